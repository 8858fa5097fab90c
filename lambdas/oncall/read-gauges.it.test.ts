import { randomUUID } from 'node:crypto';
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, describe, expect, it } from 'vitest';
import { testClientConfig } from '../../localstack/test/fixtures/aws.ts';
import { readGauges } from './read-gauges.ts';

// Against the emulator's CloudWatch (moto), the same calls the API makes in AWS: what PutMetricData and the
// alarm states hold is what the gauges show.
describe('readGauges', () => {
  const cw = new CloudWatchClient(testClientConfig());
  const run = randomUUID().slice(0, 8);
  afterAll(() => cw.destroy());

  it("shows the latest datapoints and alarm states of this stack's queues and alarms only", async () => {
    const now = new Date();
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Holdline',
        MetricData: [
          {
            MetricName: 'SlotRetainedWalBytes',
            Dimensions: [{ Name: 'SlotName', Value: `it_${run}` }],
            Value: 1.5e12,
            Unit: 'Bytes',
            Timestamp: now,
          },
          { MetricName: 'SlotCapBytes', Value: 3e12, Unit: 'Bytes', Timestamp: now },
        ],
      }),
    );
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/SQS',
        MetricData: [
          {
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: `it-${run}-dlq.fifo` }],
            Value: 4e9,
            Timestamp: now,
          },
          {
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: `it-${run}.fifo` }],
            Value: 9e9,
            Timestamp: now,
          },
          {
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: `other-${run}-dlq.fifo` }],
            Value: 1,
            Timestamp: now,
          },
        ],
      }),
    );
    const alarmName = `it-${run}-slot-retained`;
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName,
        Namespace: 'Holdline',
        MetricName: 'SlotRetainedWalBytes',
        Dimensions: [{ Name: 'SlotName', Value: `it_${run}` }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1e12,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'ALARM', StateReason: 'it test' }),
    );
    // Another stack's alarm on the same metric, in this account: not this panel's business.
    const foreignAlarm = `other-${run}-slot-retained`;
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: foreignAlarm,
        Namespace: 'Holdline',
        MetricName: 'SlotRetainedWalBytes',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1e12,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );

    const gauges = await readGauges(cw, { namePrefix: `it-${run}-` });
    expect(gauges.map((g) => g.id)).toEqual(['consumer-lag', 'dlq-depth', 'end-to-end-latency', 'slot-lag']);
    const slot = gauges.find((g) => g.id === 'slot-lag')!;
    expect(slot.series.find((s) => s.dimensions.SlotName === `it_${run}`)?.value).toBe(1.5e12);
    expect(slot.alarms.find((a) => a.name === alarmName)).toMatchObject({
      state: 'ALARM',
      reason: 'it test',
    });
    expect(slot.state).toBe('ALARM');
    // The chart's series over the hour and the alarm's threshold as a rule, red while it fires.
    expect(slot.history.find((h) => h.dimensions.SlotName === `it_${run}`)?.points.at(-1)?.value).toBe(
      1.5e12,
    );
    expect(slot.thresholds).toContainEqual(
      expect.objectContaining({
        value: 1e12,
        kind: 'alarm',
        comparison: '>',
        firing: true,
        alarms: [alarmName],
      }),
    );
    expect(slot.alarms.map((a) => a.name)).not.toContain(foreignAlarm);
    expect(slot.runbook).toBe('docs/runbooks/slot-lag.md');
    const dlq = gauges.find((g) => g.id === 'dlq-depth')!;
    expect(dlq.series.map((s) => s.dimensions.QueueName)).toContain(`it-${run}-dlq.fifo`);
    expect(dlq.series.map((s) => s.dimensions.QueueName)).not.toContain(`it-${run}.fifo`);
    expect(dlq.series.map((s) => s.dimensions.QueueName)).not.toContain(`other-${run}-dlq.fifo`);
    expect(
      gauges.find((g) => g.id === 'consumer-lag')!.series.map((s) => s.dimensions.QueueName),
    ).not.toContain(`it-${run}-dlq.fifo`);
  });
});
