import { METRIC_NAMESPACE, metricNames } from '../shared/metric-names.ts';
/**
 * The on-call panel's four gauges, as pure definitions and a pure summary: which CloudWatch metrics feed each
 * gauge, and how the latest datapoints and the alarms on those metrics become what the panel shows. Reading
 * CloudWatch is `read-gauges.ts`; nothing here talks to AWS.
 */

export type GaugeId = 'consumer-lag' | 'dlq-depth' | 'end-to-end-latency' | 'slot-lag';
export type Stat = 'Maximum' | 'Average' | 'Sum';

/** One metric a gauge reads, for every dimension set CloudWatch lists for it (optionally filtered). */
export interface GaugeMetric {
  namespace: string;
  metricName: string;
  stat: Stat;
  /** Keep a series by its dimensions, e.g. only DLQs. Default: every series. */
  keep?: (dimensions: Record<string, string>) => boolean;
  /** Added to the chart's legend labels when a gauge reads several metrics, e.g. `at receive`. */
  legend?: string;
}

export interface GaugeDefinition {
  id: GaugeId;
  title: string;
  unit: 'Seconds' | 'Count' | 'Milliseconds' | 'Bytes';
  /** The main metrics: the gauge shows the worst (highest) latest value among their series. */
  metrics: GaugeMetric[];
  /** Slot lag only: the cap the retained WAL is measured against. */
  cap?: GaugeMetric;
  /** Repo-relative runbook path; the panel links to it. */
  runbook: string;
}

const isDlq = (d: Record<string, string>) => /dlq|deadletter/i.test(d.QueueName ?? '');

export const gaugeDefinitions: GaugeDefinition[] = [
  {
    id: 'consumer-lag',
    title: 'Consumer lag (age of the oldest queued message)',
    unit: 'Seconds',
    // Both sources, worst wins: SQS's own age in AWS (it also sees a queue nobody receives from), and the
    // consumers' age at receive, which is the only one locally (message-age.ts says why).
    metrics: [
      {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        stat: 'Maximum',
        keep: (d) => !isDlq(d),
        legend: 'queue',
      },
      {
        namespace: METRIC_NAMESPACE,
        metricName: metricNames.oldestMessageAgeAtReceive,
        stat: 'Maximum',
        legend: 'at receive',
      },
    ],
    runbook: 'docs/runbooks/consumer-lag.md',
  },
  {
    id: 'dlq-depth',
    title: 'DLQ depth (messages parked for a human)',
    unit: 'Count',
    metrics: [
      {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        stat: 'Maximum',
        keep: isDlq,
      },
    ],
    runbook: 'docs/runbooks/dlq-depth.md',
  },
  {
    id: 'end-to-end-latency',
    title: 'End-to-end latency (event occurred → side effect done)',
    unit: 'Milliseconds',
    metrics: [{ namespace: METRIC_NAMESPACE, metricName: 'EndToEndLatency', stat: 'Maximum' }],
    runbook: 'docs/runbooks/end-to-end-latency.md',
  },
  {
    id: 'slot-lag',
    title: 'Slot lag (WAL retained by the replication slot vs the cap)',
    unit: 'Bytes',
    metrics: [{ namespace: METRIC_NAMESPACE, metricName: 'SlotRetainedWalBytes', stat: 'Maximum' }],
    cap: { namespace: METRIC_NAMESPACE, metricName: 'SlotCapBytes', stat: 'Maximum' },
    runbook: 'docs/runbooks/slot-lag.md',
  },
];

/** The latest datapoint of one series (a metric and one dimension set). */
export interface SeriesValue {
  metricName: string;
  dimensions: Record<string, string>;
  value: number;
  at: string;
}

/** One series over the chart's window: a datapoint per period that had data, oldest first. */
export interface SeriesHistory {
  /** Short name for the legend, e.g. `PaymentDlq` or `payment`. */
  label: string;
  metricName: string;
  dimensions: Record<string, string>;
  points: Array<{ at: string; value: number }>;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmSummary {
  name: string;
  state: AlarmState;
  reason: string;
  updatedAt: string | null;
  /** Every metric the alarm reads (one, or several for metric math). */
  metricNames: string[];
  /** The alarm's `Threshold` and `ComparisonOperator`; null for an anomaly-band alarm, which has none. */
  threshold: number | null;
  comparison: string | null;
}

/** A line the chart draws: an alarm threshold (several alarms may share it), or the slot cap. */
export interface ThresholdRule {
  value: number;
  kind: 'alarm' | 'cap';
  /** How an alarm compares its metric with the threshold: `>`, `≥`, `<`, `≤`; empty for the cap. */
  comparison: string;
  /** Some alarm on this threshold is in ALARM. */
  firing: boolean;
  alarms: string[];
}

export interface Gauge {
  id: GaugeId;
  title: string;
  unit: GaugeDefinition['unit'];
  /** The worst latest value; null = no data yet (nothing published, or nothing in the window). */
  value: number | null;
  /** Slot lag: the cap and the share of it in use. */
  cap: number | null;
  capShare: number | null;
  series: SeriesValue[];
  /** Every series over the chart's window, for the time-series chart. */
  history: SeriesHistory[];
  /** One rule per distinct alarm threshold, plus the cap for slot lag; lowest first. */
  thresholds: ThresholdRule[];
  alarms: AlarmSummary[];
  /** ALARM if any alarm is in ALARM; else INSUFFICIENT_DATA if any is; OK if all are OK; NO_ALARM if none exist. */
  state: AlarmState | 'NO_ALARM';
  runbook: string;
}

const comparisonSymbol: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/** One rule per distinct threshold among the alarms (the three queues' age alarms share one), lowest first. */
export function thresholdRules(alarms: readonly AlarmSummary[], cap: number | null): ThresholdRule[] {
  const byKey = new Map<string, ThresholdRule>();
  for (const alarm of alarms) {
    if (alarm.threshold === null) continue;
    const comparison = comparisonSymbol[alarm.comparison ?? ''] ?? alarm.comparison ?? '';
    const key = `${comparison} ${alarm.threshold}`;
    const rule = byKey.get(key) ?? {
      value: alarm.threshold,
      kind: 'alarm',
      comparison,
      firing: false,
      alarms: [],
    };
    rule.alarms.push(alarm.name);
    rule.firing ||= alarm.state === 'ALARM';
    byKey.set(key, rule);
  }
  const rules = [...byKey.values()];
  if (cap !== null) rules.push({ value: cap, kind: 'cap', comparison: '', firing: false, alarms: [] });
  return rules.sort((a, b) => a.value - b.value);
}

/** The latest point of a history no older than `since`, as the gauge's value for that series. */
export function latestValue(history: SeriesHistory, since: Date): SeriesValue | undefined {
  const latest = history.points.at(-1);
  if (!latest || new Date(latest.at) < since) return undefined;
  return {
    metricName: history.metricName,
    dimensions: history.dimensions,
    value: latest.value,
    at: latest.at,
  };
}

/**
 * A legend label: the dimension values, with the stack's prefix and `.fifo` dropped from queue names, and the
 * metric named when the gauge reads more than one.
 */
export function seriesLabel(
  definition: GaugeDefinition,
  metricName: string,
  dimensions: Record<string, string>,
  namePrefix: string,
): string {
  const values = Object.entries(dimensions).map(([name, value]) => {
    if (name !== 'QueueName') return value;
    const short = value.toLowerCase().startsWith(namePrefix.toLowerCase())
      ? value.slice(namePrefix.length)
      : value;
    return short.replace(/\.fifo$/, '');
  });
  const base = values.join(' / ') || metricName;
  const legend = definition.metrics.find((m) => m.metricName === metricName)?.legend;
  return definition.metrics.length > 1 && legend ? `${base} (${legend})` : base;
}

/**
 * Folds a gauge's histories (main metrics and, for slot lag, the cap) and the alarms on its metrics into what
 * the panel shows. Its value is the worst latest value since `since` (older data counts as none).
 */
export function summarizeGauge(
  definition: GaugeDefinition,
  history: readonly SeriesHistory[],
  capHistory: readonly SeriesHistory[],
  allAlarms: readonly AlarmSummary[],
  since: Date,
): Gauge {
  const present = (h: readonly SeriesHistory[]) =>
    h.map((s) => latestValue(s, since)).filter((v): v is SeriesValue => v !== undefined);
  const series = present(history);
  const capSeries = present(capHistory);
  const names = new Set(
    [...definition.metrics, ...(definition.cap ? [definition.cap] : [])].map((m) => m.metricName),
  );
  const alarms = allAlarms.filter((alarm) => alarm.metricNames.some((name) => names.has(name)));
  const value = series.length === 0 ? null : Math.max(...series.map((s) => s.value));
  const cap = capSeries.length === 0 ? null : Math.max(...capSeries.map((s) => s.value));
  const states = new Set(alarms.map((a) => a.state));
  const state: Gauge['state'] =
    alarms.length === 0
      ? 'NO_ALARM'
      : states.has('ALARM')
        ? 'ALARM'
        : states.has('INSUFFICIENT_DATA')
          ? 'INSUFFICIENT_DATA'
          : 'OK';
  return {
    id: definition.id,
    title: definition.title,
    unit: definition.unit,
    value,
    cap,
    capShare: value !== null && cap !== null && cap > 0 ? value / cap : null,
    series: [...series].sort((a, b) => b.value - a.value),
    history: [...history],
    thresholds: thresholdRules(alarms, cap),
    alarms,
    state,
    runbook: definition.runbook,
  };
}
