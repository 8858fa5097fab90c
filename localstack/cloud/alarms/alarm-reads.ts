import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { AlarmDefinition } from './definitions.ts';

/** One GetMetricData call: the alarms whose evaluation ranges are the same, each as one query. */
export interface AlarmRead {
  start: number;
  end: number;
  periodMs: number;
  /** Index into the alarms given, with its query's Id. */
  members: Array<{ alarm: number; id: string }>;
  queries: MetricDataQuery[];
}

/** GetMetricData takes at most 500 queries per call. */
const MAX_QUERIES = 500;

/**
 * Plans the reads for one evaluation tick: alarms with the same period and number of evaluation periods share a
 * range, so they share a call. Why: moto filters every datapoint it has ever stored once per GetMetricData, and
 * one call per alarm made that scan ~30 times a tick, a cost that grew all through a long run (drills/soak).
 * Ranges are whole periods ending at the last complete one, as CloudWatch evaluates.
 */
export function planAlarmReads(
  alarms: readonly AlarmDefinition[],
  at: number,
  periodMsOf: (a: AlarmDefinition) => number,
): AlarmRead[] {
  const byRange = new Map<string, { start: number; end: number; periodMs: number; alarms: number[] }>();
  for (const [index, a] of alarms.entries()) {
    const periodMs = periodMsOf(a);
    const end = Math.floor(at / periodMs) * periodMs; // complete periods only
    const start = end - a.evaluationPeriods * periodMs;
    const key = `${start}/${end}/${periodMs}`;
    const range = byRange.get(key) ?? { start, end, periodMs, alarms: [] };
    range.alarms.push(index);
    byRange.set(key, range);
  }
  const reads: AlarmRead[] = [];
  for (const { alarms: indexes, ...range } of byRange.values())
    for (let from = 0; from < indexes.length; from += MAX_QUERIES) {
      const members = indexes.slice(from, from + MAX_QUERIES).map((alarm, i) => ({ alarm, id: `m${i}` }));
      reads.push({
        ...range,
        members,
        queries: members.map(({ alarm, id }) => query(id, alarms[alarm] as AlarmDefinition, range.periodMs)),
      });
    }
  return reads;
}

function query(id: string, a: AlarmDefinition, periodMs: number): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: a.namespace, MetricName: a.metricName, Dimensions: a.dimensions },
      Period: periodMs / 1000,
      Stat: a.extendedStatistic ? 'Maximum' : a.statistic,
    },
  };
}

/**
 * One alarm's value per period of the read's range, oldest first, from every page of the read's results; null
 * where the metric had no datapoint.
 */
export function periodValues(
  read: AlarmRead,
  id: string,
  results: readonly MetricDataResult[],
): Array<number | null> {
  const byStart = new Map<number, number>();
  for (const r of results.filter((r) => r.Id === id))
    for (const [i, ts] of (r.Timestamps ?? []).entries()) {
      const v = r.Values?.[i];
      if (typeof v === 'number') byStart.set(new Date(ts).getTime(), v);
    }
  const periods = Math.round((read.end - read.start) / read.periodMs);
  return Array.from({ length: periods }, (_, i) => byStart.get(read.start + i * read.periodMs) ?? null);
}
