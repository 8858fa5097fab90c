import type { MetricDatum } from '@aws-sdk/client-cloudwatch';

/**
 * Folds the samples of one metric (same name, unit and dimensions) within one second into a single datum with
 * StatisticValues, as a CloudWatch agent does before PutMetricData.
 *
 * Why locally: moto stores every sample as its own datapoint, keeps them all, and filters all of them on every
 * GetMetricData; its CPU and memory grew for as long as a run lasted (drills/soak/README.md). A second never straddles a period (periods are whole seconds from a
 * whole-second start), so Sum, Average, Minimum, Maximum and SampleCount per period are unchanged. Percentiles
 * would not be, but moto computes none (the evaluator reads a p99 alarm's Maximum).
 */
export function aggregateMetricData(data: readonly MetricDatum[]): MetricDatum[] {
  const folds = new Map<string, { datum: MetricDatum; stats: Stats }>();
  for (const datum of data) {
    const stats = statsOf(datum);
    if (!stats) continue;
    const second = Math.floor((datum.Timestamp ?? new Date()).getTime() / 1000) * 1000;
    const key = JSON.stringify([datum.MetricName, datum.Unit ?? null, dimensionKey(datum), second]);
    const fold = folds.get(key);
    if (fold) {
      fold.stats = {
        SampleCount: fold.stats.SampleCount + stats.SampleCount,
        Sum: fold.stats.Sum + stats.Sum,
        Minimum: Math.min(fold.stats.Minimum, stats.Minimum),
        Maximum: Math.max(fold.stats.Maximum, stats.Maximum),
      };
      continue;
    }
    const { Value: _v, Values: _vs, Counts: _c, StatisticValues: _s, ...rest } = datum;
    folds.set(key, { datum: { ...rest, Timestamp: new Date(second) }, stats });
  }
  return [...folds.values()].map(({ datum, stats }) => ({ ...datum, StatisticValues: stats }));
}

interface Stats {
  SampleCount: number;
  Sum: number;
  Minimum: number;
  Maximum: number;
}

/** A datum's samples as statistics: a single Value, Values with their Counts, or StatisticValues as given. */
function statsOf(datum: MetricDatum): Stats | undefined {
  const s = datum.StatisticValues;
  if (
    s?.SampleCount !== undefined &&
    s.Sum !== undefined &&
    s.Minimum !== undefined &&
    s.Maximum !== undefined
  )
    return { SampleCount: s.SampleCount, Sum: s.Sum, Minimum: s.Minimum, Maximum: s.Maximum };
  const values = datum.Values?.length ? datum.Values : datum.Value === undefined ? [] : [datum.Value];
  if (values.length === 0) return undefined;
  const counts = values.map((_, i) => (datum.Values?.length ? (datum.Counts?.[i] ?? 1) : 1));
  return {
    SampleCount: counts.reduce((a, c) => a + c, 0),
    Sum: values.reduce((a, v, i) => a + v * (counts[i] ?? 1), 0),
    Minimum: Math.min(...values),
    Maximum: Math.max(...values),
  };
}

function dimensionKey(datum: MetricDatum): string {
  const pairs = (datum.Dimensions ?? []).map((d) => JSON.stringify([d.Name ?? '', d.Value ?? '']));
  return JSON.stringify(pairs.sort());
}
