import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { aggregateMetricData } from './emf-aggregate.ts';

const at = (ms: number) => new Date(1_700_000_000_000 + ms);
const latency = (Timestamp: Date, values: number[], consumer = 'payment'): MetricDatum => ({
  MetricName: 'EndToEndLatency',
  Unit: 'Milliseconds',
  Timestamp,
  Dimensions: [{ Name: 'Consumer', Value: consumer }],
  ...(values.length === 1 ? { Value: values[0] } : { Values: values }),
});

describe('aggregateMetricData', () => {
  it('folds one metric’s samples within a second into one datum that keeps every statistic moto computes', () => {
    const out = aggregateMetricData([latency(at(100), [120, 340]), latency(at(900), [40])]);
    expect(out).toEqual([
      {
        MetricName: 'EndToEndLatency',
        Unit: 'Milliseconds',
        Timestamp: at(0),
        Dimensions: [{ Name: 'Consumer', Value: 'payment' }],
        StatisticValues: { SampleCount: 3, Sum: 500, Minimum: 40, Maximum: 340 },
      },
    ]);
  });

  it('keeps seconds, dimension values, units and names apart', () => {
    const out = aggregateMetricData([
      latency(at(100), [1]),
      latency(at(1100), [2]),
      latency(at(100), [3], 'shipping'),
      { ...latency(at(100), [4]), Unit: 'Seconds' },
      { ...latency(at(100), [5]), MetricName: 'OldestMessageAgeAtReceive' },
    ]);
    expect(out.map((d) => d.StatisticValues?.Sum)).toEqual([1, 2, 3, 4, 5]);
  });

  it('treats dimensions in any order as the same series, and counts repeated values', () => {
    const a: MetricDatum = {
      MetricName: 'OrdersProcessed',
      Timestamp: at(0),
      Dimensions: [
        { Name: 'service', Value: 'payment' },
        { Name: 'Consumer', Value: 'payment' },
      ],
      Values: [1, 2],
      Counts: [3, 1],
    };
    const b: MetricDatum = {
      ...a,
      Dimensions: [...(a.Dimensions ?? [])].reverse(),
      Values: undefined,
      Value: 7,
    };
    expect(aggregateMetricData([a, b])).toEqual([
      {
        MetricName: 'OrdersProcessed',
        Timestamp: at(0),
        Dimensions: a.Dimensions,
        StatisticValues: { SampleCount: 5, Sum: 12, Minimum: 1, Maximum: 7 },
      },
    ]);
  });

  it('merges data that is already aggregated, and drops a datum with no value', () => {
    const folded = aggregateMetricData([latency(at(0), [10, 20])])[0] as MetricDatum;
    const out = aggregateMetricData([
      folded,
      latency(at(500), [5]),
      { ...latency(at(0), [1]), Value: undefined },
    ]);
    expect(out[0]?.StatisticValues).toEqual({ SampleCount: 3, Sum: 35, Minimum: 5, Maximum: 20 });
    expect(out).toHaveLength(1);
  });
});
