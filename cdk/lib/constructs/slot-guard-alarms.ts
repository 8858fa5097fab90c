import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { CfnDBInstance, DatabaseInstance } from 'aws-cdk-lib/aws-rds';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, metricNames } from '../../../lambdas/shared/metric-names.ts';
import { type AlarmThresholds, alarmThresholds, capBytes } from '../alarm-thresholds.ts';
import type { OnCallTopic } from './on-call-topic.ts';

/** `page`: wakes someone up. `warn`: goes to the same topic, named so a subscriber can route it to a channel. */
export type Severity = 'page' | 'warn';

export interface SlotGuardAlarmsProps {
  onCall: OnCallTopic;
  /** Replication slots the monitor reports (Debezium's connector names). */
  slotNames: readonly string[];
  /** RDS instance for the AWS/RDS storage and WAL metrics (Aurora has no FreeStorageSpace; omitted then). */
  rdsInstance?: DatabaseInstance;
  /** Consumer queues: the age of their oldest message. */
  queues: ReadonlyArray<{ name: string; queue: IQueue }>;
  /** Kinesis streams: iterator age. */
  streams: ReadonlyArray<{ name: string; stream: IStream }>;
  /** Consumers that emit EndToEndLatency (dimension `Consumer`). */
  consumers: readonly string[];
  thresholds?: AlarmThresholds;
  capMb?: number;
}

const MINUTE = Duration.minutes(1);

/**
 * The slot guard's alarms (retained WAL vs the cap, time-to-cap, inactive slot, wal_status unreserved/lost,
 * free storage, oldest transaction, the monitor falling silent) and the pipeline's flow alarms (queue age,
 * iterator age, end-to-end latency). Each pages through the on-call topic; thresholds come from
 * `alarm-thresholds.ts`. Missing data breaches only where silence itself is a stall (docs/runbooks/README.md).
 */
export class SlotGuardAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  private readonly onCall: OnCallTopic;

  constructor(scope: Construct, id: string, props: SlotGuardAlarmsProps) {
    super(scope, id);
    this.onCall = props.onCall;
    const t = props.thresholds ?? alarmThresholds;
    const cap = capBytes(props.capMb);

    for (const slot of props.slotNames) {
      const m = (name: string) => slotMetric(name, { SlotName: slot });
      this.add(`${slot}-retained-warn`, 'warn', {
        metric: m('SlotRetainedWalBytes'),
        threshold: Math.round(cap * t.retainedWarnFraction),
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        // No datapoint = the monitor is not running or the slot is gone; the inactive/lost alarms cover those.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `Slot ${slot} retains more than ${t.retainedWarnFraction * 100} % of max_slot_wal_keep_size.`,
      });
      this.add(`${slot}-retained-page`, 'page', {
        metric: m('SlotRetainedWalBytes'),
        threshold: Math.round(cap * t.retainedPageFraction),
        evaluationPeriods: 2,
        datapointsToAlarm: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `Slot ${slot} retains more than ${t.retainedPageFraction * 100} % of the cap: it will be invalidated (and need a re-snapshot) unless its consumer catches up.`,
      });
      this.add(`${slot}-time-to-cap`, 'page', {
        metric: m('SlotTimeToCapSeconds'),
        threshold: t.timeToCap.toSeconds(),
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `Slot ${slot} reaches the cap in under ${t.timeToCap.toHumanString()} at the current WAL rate.`,
      });
      this.add(`${slot}-inactive`, 'page', {
        metric: m('SlotInactiveSeconds'),
        threshold: t.slotInactive.toSeconds(),
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `Slot ${slot} has had no consumer for over ${t.slotInactive.toHumanString()}.`,
      });
      for (const status of ['Unreserved', 'Lost'] as const)
        this.add(`${slot}-wal-status-${status.toLowerCase()}`, 'page', {
          metric: m(`SlotWalStatus${status}`),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
          description:
            status === 'Lost'
              ? `Slot ${slot} is invalidated (wal_status lost or invalidation_reason set): CDC has stopped; drop the slot and re-snapshot.`
              : `Slot ${slot} is past the cap (wal_status unreserved): the next checkpoint invalidates it.`,
        });
    }
    // The monitor's own heartbeat: OldestTransactionAgeSeconds is published on every run (0 when none is open), so
    // no datapoint means the monitor did not run or could not read the database. Missing data is the signal here.
    this.add('slot-monitor-silent', 'page', {
      metric: slotMetric('OldestTransactionAgeSeconds', {}).with({ statistic: 'SampleCount' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: t.slotMonitorSilent.toMinutes(),
      treatMissingData: TreatMissingData.BREACHING,
      description: `The slot monitor has published nothing for ${t.slotMonitorSilent.toHumanString()}: every slot alarm is blind (see its log group; RDS's OldestReplicationSlotLag alarm still watches).`,
    });
    // The database itself, from the monitor's run: it pages for a Postgres outage with no traffic at all, where a
    // consumer's breaker needs three failing messages. Missing data keeps the state, as for the consumers' alarm.
    this.add('database-DependencyDown', 'page', {
      metric: slotMetric(metricNames.dependencyDown, { Dependency: 'database' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.IGNORE,
      description:
        'The slot monitor could not reach Postgres (refused, reset or timed out) — runbook: docs/runbooks/dependency-down.md',
    });
    this.add('oldest-transaction', 'warn', {
      metric: slotMetric('OldestTransactionAgeSeconds', {}),
      threshold: t.oldestTransaction.toSeconds(),
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description: `A transaction has been open over ${t.oldestTransaction.toHumanString()}; it holds restart_lsn for every slot.`,
    });

    if (props.rdsInstance) {
      const cfn = props.rdsInstance.node.defaultChild as CfnDBInstance;
      const allocatedBytes = Number(cfn.allocatedStorage) * 1024 ** 3;
      this.add('free-storage', 'page', {
        metric: props.rdsInstance.metricFreeStorageSpace({ period: MINUTE, statistic: 'Minimum' }),
        threshold: Math.round(allocatedBytes * t.freeStorageFraction),
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        // Silence from RDS is itself a problem worth a look, but not a page at 3 a.m. on its own.
        treatMissingData: TreatMissingData.MISSING,
        description: `RDS free storage below ${t.freeStorageFraction * 100} % of the allocated storage.`,
      });
      // RDS's own view of the slot, independent of the monitor Lambda: if the monitor dies, this still pages.
      this.add('rds-oldest-slot-lag', 'page', {
        metric: rdsMetric(props.rdsInstance, 'OldestReplicationSlotLag'),
        threshold: Math.round(cap * t.retainedPageFraction),
        evaluationPeriods: 2,
        datapointsToAlarm: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `RDS reports a replication slot over ${t.retainedPageFraction * 100} % of the cap (AWS/RDS OldestReplicationSlotLag).`,
      });
    }

    for (const { name, queue } of props.queues)
      this.add(`${name}-oldest-message`, 'page', {
        metric: queue.metricApproximateAgeOfOldestMessage({ period: MINUTE, statistic: 'Maximum' }),
        threshold: t.queueOldestMessageAge.toSeconds(),
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // SQS reports a queue's metrics while it holds messages, so a consumer that stopped shows as age; no
        // datapoint is an empty queue left idle (SQS stops reporting those), which is not a stall.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `The ${name} queue's oldest message is older than ${t.queueOldestMessageAge.toHumanString()}: its consumer is stuck.`,
      });
    for (const { name, stream } of props.streams)
      this.add(`${name}-iterator-age`, 'page', {
        metric: stream.metricGetRecordsIteratorAgeMilliseconds({ period: MINUTE, statistic: 'Maximum' }),
        threshold: t.iteratorAge.toMilliseconds(),
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // The event-source mapping polls every shard about once a second even when the stream is idle, and each
        // GetRecords reports an age (0 at the tip). No datapoint for three minutes means nobody reads the
        // stream — a total stall of the router or the order view — so it pages like a reader far behind.
        treatMissingData: TreatMissingData.BREACHING,
        description: `The ${name} stream's reader is over ${t.iteratorAge.toHumanString()} behind, or nothing has read the stream for 3 minutes.`,
      });
    for (const consumer of props.consumers)
      this.add(`${consumer}-end-to-end-latency`, 'warn', {
        metric: new Metric({
          namespace: METRIC_NAMESPACE,
          metricName: 'EndToEndLatency',
          dimensionsMap: { Consumer: consumer },
          period: MINUTE,
          statistic: 'p99',
        }),
        threshold: t.endToEndLatencyP99.toMilliseconds(),
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        // Only a processed message emits it: silence is an idle pipeline as often as a stalled one, so it cannot
        // page. A stall pages through iterator age, queue age and the slot alarms instead.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `The ${consumer} consumer's p99 end-to-end latency is over ${t.endToEndLatencyP99.toHumanString()}.`,
      });
  }

  private add(
    name: string,
    severity: Severity,
    o: {
      metric: IMetric;
      threshold: number;
      comparisonOperator?: ComparisonOperator;
      evaluationPeriods: number;
      datapointsToAlarm?: number;
      treatMissingData: TreatMissingData;
      description: string;
    },
  ): void {
    const alarm = new Alarm(this, name, {
      alarmName: `${Stack.of(this).stackName}-${severity}-${name}`,
      alarmDescription: `[${severity}] ${o.description}`,
      metric: o.metric,
      threshold: o.threshold,
      comparisonOperator: o.comparisonOperator ?? ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: o.evaluationPeriods,
      datapointsToAlarm: o.datapointsToAlarm ?? o.evaluationPeriods,
      treatMissingData: o.treatMissingData,
    });
    this.onCall.page(alarm);
    this.alarms.push(alarm);
  }
}

/** An AWS/RDS metric of the instance (OldestReplicationSlotLag, ReplicationSlotDiskUsage, TransactionLogsDiskUsage, …), bytes. */
export function rdsMetric(instance: DatabaseInstance, name: string): Metric {
  return instance.metric(name, { period: MINUTE, statistic: 'Maximum' });
}

/** A `Holdline` namespace metric as the slot monitor publishes it: one datapoint a minute, so Maximum per minute. */
export function slotMetric(name: string, dimensionsMap: Record<string, string>): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap,
    period: MINUTE,
    statistic: 'Maximum',
  });
}
