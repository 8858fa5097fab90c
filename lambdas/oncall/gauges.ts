import { METRIC_NAMESPACE } from '../shared/metric-names.ts';
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
    metrics: [
      {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        stat: 'Maximum',
        keep: (d) => !isDlq(d),
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

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmSummary {
  name: string;
  state: AlarmState;
  reason: string;
  updatedAt: string | null;
  /** Every metric the alarm reads (one, or several for metric math). */
  metricNames: string[];
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
  alarms: AlarmSummary[];
  /** ALARM if any alarm is in ALARM; else INSUFFICIENT_DATA if any is; OK if all are OK; NO_ALARM if none exist. */
  state: AlarmState | 'NO_ALARM';
  runbook: string;
}

/** Folds a gauge's latest series values and the alarms on its metrics into what the panel shows. */
export function summarizeGauge(
  definition: GaugeDefinition,
  series: readonly SeriesValue[],
  capSeries: readonly SeriesValue[],
  allAlarms: readonly AlarmSummary[],
): Gauge {
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
    alarms,
    state,
    runbook: definition.runbook,
  };
}
