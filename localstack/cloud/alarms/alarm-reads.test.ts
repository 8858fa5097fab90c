import { describe, expect, it } from 'vitest';
import { periodValues, planAlarmReads } from './alarm-reads.ts';
import type { AlarmDefinition } from './definitions.ts';

const alarm = (name: string, over: Partial<AlarmDefinition> = {}): AlarmDefinition => ({
  logicalId: name,
  alarmName: name,
  description: '',
  namespace: 'Holdline',
  metricName: name,
  dimensions: [],
  statistic: 'Maximum',
  extendedStatistic: undefined,
  periodSeconds: 60,
  alarmActions: [],
  okActions: [],
  threshold: 1,
  comparisonOperator: 'GreaterThanThreshold',
  evaluationPeriods: 3,
  datapointsToAlarm: 3,
  treatMissingData: 'notBreaching',
  ...over,
});
const fiveSeconds = () => 5000;

describe('planAlarmReads', () => {
  it('reads alarms with the same range in one call, each as its own query over whole, complete periods', () => {
    const alarms = [alarm('A'), alarm('B', { evaluationPeriods: 1 }), alarm('C', { statistic: 'Sum' })];
    const reads = planAlarmReads(alarms, 1_000_012_345, fiveSeconds);
    expect(reads).toHaveLength(2);
    const [three, one] = reads;
    expect(three).toMatchObject({ start: 1_000_010_000 - 15_000, end: 1_000_010_000, periodMs: 5000 });
    expect(three?.members).toEqual([
      { alarm: 0, id: 'm0' },
      { alarm: 2, id: 'm1' },
    ]);
    expect(three?.queries[1]?.MetricStat).toMatchObject({
      Period: 5,
      Stat: 'Sum',
      Metric: { MetricName: 'C' },
    });
    expect(one).toMatchObject({
      start: 1_000_005_000,
      end: 1_000_010_000,
      members: [{ alarm: 1, id: 'm0' }],
    });
  });

  it('reads a percentile alarm’s Maximum (moto computes no percentiles)', () => {
    const [read] = planAlarmReads([alarm('P', { extendedStatistic: 'p99' })], 0, fiveSeconds);
    expect(read?.queries[0]?.MetricStat?.Stat).toBe('Maximum');
  });

  it('splits a range of more than 500 alarms into calls of at most 500 queries', () => {
    const alarms = Array.from({ length: 501 }, (_, i) => alarm(`A${i}`));
    expect(planAlarmReads(alarms, 0, fiveSeconds).map((r) => r.queries.length)).toEqual([500, 1]);
  });
});

describe('periodValues', () => {
  it('gives one value per period, oldest first, null where nothing was published, across pages', () => {
    const [read] = planAlarmReads([alarm('A')], 20_000, fiveSeconds);
    if (!read) throw new Error('no read');
    const values = periodValues(read, 'm0', [
      { Id: 'm0', Timestamps: [new Date(15_000)], Values: [7] },
      { Id: 'm1', Timestamps: [new Date(10_000)], Values: [99] },
      { Id: 'm0', Timestamps: [new Date(5_000)], Values: [3] },
    ]);
    expect(values).toEqual([3, null, 7]);
  });
});
