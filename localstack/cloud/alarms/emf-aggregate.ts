import type { MetricDatum } from '@aws-sdk/client-cloudwatch';

/**
 * Folds the samples of one metric (same name, unit and dimensions) within one second into a single datum with
 * StatisticValues, as a CloudWatch agent does before PutMetricData.
 *
 * Why locally: moto stores every sample as its own datapoint, keeps them all, and filters all of them on every
 * GetMetricData, which the alarm evaluator sends once per alarm per period; its CPU and memory grew for as long
 * as a run lasted (drills/soak/README.md). A second never straddles a period (periods are whole seconds from a
 * whole-second start), so Sum, Average, Minimum, Maximum and SampleCount per period are unchanged. Percentiles
 * would not be, but moto computes none (the evaluator reads a p99 alarm's Maximum).
 */
export function aggregateMetricData(data: readonly MetricDatum[]): MetricDatum[] {
  const folds = new Map<
    string,
    { datum: MetricDatum; count: number; sum: number; min: number; max: number }
  >();
  for (const datum of data) {
    const samples = samplesOf(datum);
    if (samples.length === 0) continue;
    const second = Math.floor((datum.Timestamp ?? new Date()).getTime() / 1000) * 1000;
    const key = JSON.stringify([datum.MetricName, datum.Unit ?? null, dimensionKey(datum), second]);
    let fold = folds.get(key);
    if (!fold) {
      const { Value: _v, Values: _vs, Counts: _c, StatisticValues: _s, ...rest } = datum;
      fold = {
        datum: { ...rest, Timestamp: new Date(second) },
        count: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
      };
      folds.set(key, fold);
    }
    for (const { value, count, sum, min, max } of samples) {
      fold.count += count;
      fold.sum += sum ?? value * count;
      fold.min = Math.min(fold.min, min ?? value);
      fold.max = Math.max(fold.max, max ?? value);
    }
  }
  return [...folds.values()].map(({ datum, count, sum, min, max }) => ({
    ...datum,
    StatisticValues: { SampleCount: count, Sum: sum, Minimum: min, Maximum: max },
  }));
}

interface Sample {
  value: number;
  count: number;
  sum?: number;
  min?: number;
  max?: number;
}

function samplesOf(datum: MetricDatum): Sample[] {
  const s = datum.StatisticValues;
  if (
    s?.SampleCount !== undefined &&
    s.Sum !== undefined &&
    s.Minimum !== undefined &&
    s.Maximum !== undefined
  )
    return [{ value: s.Sum, count: s.SampleCount, sum: s.Sum, min: s.Minimum, max: s.Maximum }];
  if (datum.Values?.length) return datum.Values.map((value, i) => ({ value, count: datum.Counts?.[i] ?? 1 }));
  return datum.Value === undefined ? [] : [{ value: datum.Value, count: 1 }];
}

function dimensionKey(datum: MetricDatum): string {
  const pairs = (datum.Dimensions ?? []).map((d) => JSON.stringify([d.Name ?? '', d.Value ?? '']));
  return JSON.stringify(pairs.sort());
}
