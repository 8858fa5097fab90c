import { describe, expect, it } from 'vitest';
import { holdlineTemplate, type Resource, resourcesOf } from './template.ts';

/**
 * What each alarm makes of a minute without a datapoint, decided per metric: `breaching` only where silence is
 * itself a total stall, never where silence is also what an idle, healthy stack looks like. A new alarm on a
 * metric not listed here fails until someone decides.
 */
const decisions: Record<string, { treat: string; why: string }> = {
  'AWS/Kinesis GetRecords.IteratorAgeMilliseconds Maximum': {
    treat: 'breaching',
    why: 'the mapping polls each shard every second even when idle: silence means nobody reads the stream',
  },
  'Holdline OldestTransactionAgeSeconds SampleCount': {
    treat: 'breaching',
    why: 'the slot monitor publishes it on every run: silence means the monitor is down and every slot alarm blind',
  },
  'Holdline FlurryDetected Sum': {
    treat: 'notBreaching',
    why: 'published only when the change router detects a flurry: silence is the healthy case',
  },
  'Holdline OldestTransactionAgeSeconds Maximum': {
    treat: 'notBreaching',
    why: 'a silent monitor pages once, through its SampleCount alarm',
  },
  'Holdline SlotRetainedWalBytes Maximum': {
    treat: 'notBreaching',
    why: 'as above; RDS also watches slot lag',
  },
  'Holdline SlotTimeToCapSeconds Maximum': {
    treat: 'notBreaching',
    why: 'not published until the monitor has two points (a cold start)',
  },
  'Holdline SlotInactiveSeconds Maximum': {
    treat: 'notBreaching',
    why: 'absent before Debezium first creates the slot (first deploy, capture paused); a silent monitor pages once',
  },
  'Holdline SlotWalStatusUnreserved Maximum': { treat: 'notBreaching', why: 'as SlotInactiveSeconds' },
  'Holdline SlotWalStatusLost Maximum': { treat: 'notBreaching', why: 'as SlotInactiveSeconds' },
  'AWS/RDS OldestReplicationSlotLag Maximum': {
    treat: 'notBreaching',
    why: 'RDS reports it while the instance runs; a database down pages through DependencyDown',
  },
  'AWS/RDS FreeStorageSpace Minimum': {
    treat: 'missing',
    why: 'silence from RDS is worth a look (INSUFFICIENT_DATA), not a page on its own',
  },
  'AWS/SQS ApproximateAgeOfOldestMessage Maximum': {
    treat: 'notBreaching',
    why: 'SQS reports while a queue holds messages; silence is an empty idle queue',
  },
  'AWS/SQS ApproximateNumberOfMessagesVisible Maximum': {
    treat: 'notBreaching',
    why: 'an idle empty DLQ stops reporting: that is the good state',
  },
  'Holdline EndToEndLatency p99': {
    treat: 'notBreaching',
    why: 'only a processed message emits it: silence is as often an idle pipeline as a stalled one',
  },
  'AWS/Lambda Errors Sum': { treat: 'notBreaching', why: 'no invocation, no error' },
  'AWS/Lambda Throttles Sum': { treat: 'notBreaching', why: 'no invocation, no throttle' },
  'Holdline DependencyDown Maximum': {
    treat: 'ignore',
    why: 'while every message waits out its backoff nothing reports, and the outage is not over for that',
  },
  'Holdline SequenceAnomalies Sum': { treat: 'notBreaching', why: 'published only when an anomaly happens' },
  'Holdline ReconcileStuck Minimum': {
    treat: 'notBreaching',
    why: "a reconciler that stops running pages through its function's Errors alarm",
  },
};

function metricKey(alarm: Resource): string {
  const p = alarm.Properties;
  return `${p.Namespace} ${p.MetricName} ${p.Statistic ?? p.ExtendedStatistic}`;
}

describe('missing data, alarm by alarm', () => {
  for (const [variant, context] of [
    ['default', {}],
    ['aurora + dms', { database: 'aurora', cdc: 'dms' }],
  ] as const)
    it(`every alarm of the ${variant} template treats missing data as decided for its metric`, () => {
      const alarms = Object.entries(resourcesOf(holdlineTemplate(context), 'AWS::CloudWatch::Alarm'));
      const undecided = alarms.filter(([, a]) => decisions[metricKey(a)] === undefined).map(([id]) => id);
      expect(undecided, 'alarms on a metric with no missing-data decision').toEqual([]);
      for (const [id, alarm] of alarms)
        expect(alarm.Properties.TreatMissingData, `${id}: ${decisions[metricKey(alarm)]!.why}`).toBe(
          decisions[metricKey(alarm)]!.treat,
        );
    });

  it('pages on a total stall: a stream nobody reads and a slot monitor that stopped', () => {
    const alarms = Object.values(resourcesOf(holdlineTemplate(), 'AWS::CloudWatch::Alarm'));
    const breaching = alarms
      .filter((a) => a.Properties.TreatMissingData === 'breaching')
      .map((a) => a.Properties.AlarmName)
      .sort();
    expect(breaching).toEqual([
      'Holdline-page-order-changes-iterator-age',
      'Holdline-page-order-events-iterator-age',
      'Holdline-page-slot-monitor-silent',
      'Holdline-page-table-changes-iterator-age',
    ]);
    const silent = alarms.find((a) => a.Properties.AlarmName === 'Holdline-page-slot-monitor-silent')!;
    expect(silent.Properties).toMatchObject({
      MetricName: 'OldestTransactionAgeSeconds',
      Statistic: 'SampleCount',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Period: 60,
    });
  });
});
