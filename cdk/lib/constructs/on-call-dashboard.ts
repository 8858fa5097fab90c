import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  type IAlarm,
  type IMetric,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { DatabaseInstance } from 'aws-cdk-lib/aws-rds';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../../../lambdas/shared/metric-names.ts';
import { type AlarmThresholds, alarmThresholds, capBytes } from '../alarm-thresholds.ts';
import { rdsMetric, slotMetric } from './slot-guard-alarms.ts';

/** The runbooks' entry page: triage from the four gauges, fix order, break-glass, verification checklist. */
export const ENTRY_RUNBOOK = 'docs/runbooks/README.md';

export interface OnCallDashboardProps {
  slotNames: readonly string[];
  /** Consumer queues: the consumer-lag gauge is the age of their oldest message, as on the on-call panel. */
  queues: ReadonlyArray<{ name: string; queue: IQueue }>;
  dlqs: ReadonlyArray<{ name: string; dlq: IQueue }>;
  consumers: readonly string[];
  alarms: readonly IAlarm[];
  rdsInstance?: DatabaseInstance;
  thresholds?: AlarmThresholds;
  capMb?: number;
}

const MINUTE = Duration.minutes(1);

/**
 * The on-call dashboard: the four gauges the runbooks start from — slot lag against the cap (with the WAL Debezium
 * has not confirmed beside it), consumer lag (the consumer queues' oldest message, as the on-call panel shows it),
 * DLQ depth, end-to-end latency — plus the alarm states and, on RDS, the database's own WAL and storage metrics.
 */
export class OnCallDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OnCallDashboardProps) {
    super(scope, id);
    const t = props.thresholds ?? alarmThresholds;
    const cap = capBytes(props.capMb);
    const label = (m: Metric, l: string) => m.with({ label: l });
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          `## Holdline on-call\n**Start here: [${ENTRY_RUNBOOK}](${ENTRY_RUNBOOK})** (triage, fix order, database access, checklist) · ` +
          '[slot lag](docs/runbooks/slot-lag.md) · [consumer lag](docs/runbooks/consumer-lag.md) · ' +
          '[DLQ depth](docs/runbooks/dlq-depth.md) · [end-to-end latency](docs/runbooks/end-to-end-latency.md)',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Slot lag vs cap (retained WAL, bytes)',
        width: 12,
        left: [
          ...props.slotNames.map((s) => label(slotMetric('SlotRetainedWalBytes', { SlotName: s }), s)),
          label(slotMetric('SlotCapBytes', {}), 'cap (max_slot_wal_keep_size)'),
          label(slotMetric('PgWalBytes', {}), 'pg_wal size'),
        ],
        leftAnnotations: [
          annotation('warn', cap * t.retainedWarnFraction),
          annotation('page', cap * t.retainedPageFraction),
          { value: cap, label: 'cap: slot invalidated', color: '#d62728' },
        ],
      }),
      new GraphWidget({
        title: 'Slot: WAL not confirmed by Debezium (bytes)',
        width: 12,
        left: props.slotNames.map((s) => label(slotMetric('SlotConsumerLagBytes', { SlotName: s }), s)),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Consumer lag (age of the oldest queued message, s)',
        width: 12,
        left: props.queues.map(({ name, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ period: MINUTE, statistic: 'Maximum', label: name }),
        ),
        leftAnnotations: [{ value: t.queueOldestMessageAge.toSeconds(), label: 'page', color: '#ff7f0e' }],
      }),
      new GraphWidget({
        title: 'DLQ depth (messages)',
        width: 12,
        left: props.dlqs.map(({ name, dlq }) =>
          dlq.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum', label: name }),
        ),
      }),
      new GraphWidget({
        title: 'End-to-end latency p99 (ms, occurredAt → side effect)',
        width: 12,
        left: props.consumers.map(
          (c) =>
            new Metric({
              namespace: METRIC_NAMESPACE,
              metricName: 'EndToEndLatency',
              dimensionsMap: { Consumer: c },
              period: MINUTE,
              statistic: 'p99',
              label: c,
            }),
        ),
        leftAnnotations: [annotation('warn', t.endToEndLatencyP99.toMilliseconds())],
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 12, height: 6 }),
    );
    const rds: IMetric[] = props.rdsInstance
      ? ['OldestReplicationSlotLag', 'ReplicationSlotDiskUsage', 'TransactionLogsDiskUsage'].map((n) =>
          rdsMetric(props.rdsInstance as DatabaseInstance, n),
        )
      : [];
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'RDS: WAL, slot disk usage and free storage (bytes)',
        width: 12,
        left: rds,
        right: props.rdsInstance
          ? [props.rdsInstance.metricFreeStorageSpace({ period: MINUTE, statistic: 'Minimum' })]
          : [],
      }),
    );
  }
}

function annotation(label: string, value: number): HorizontalAnnotation {
  return { value, label, color: label === 'page' ? '#ff7f0e' : '#bcbd22' };
}
