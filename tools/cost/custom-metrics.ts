import { SEQUENCE_ANOMALIES_METRIC } from '../../lambdas/consumers/sequence-order.ts';
import { metricNames } from '../../lambdas/shared/metric-names.ts';
import { type SlotAssessment, toMetrics } from '../../lambdas/slot-monitor/slot-health.ts';

/**
 * When a metric is sent, which is what CloudWatch bills (per metric, by the hour it receives data):
 * `always` — every hour, traffic or not; `traffic` — whenever orders flow; `incident` — only while something fails
 * (not in either total).
 */
export type MetricCadence = 'always' | 'traffic' | 'incident';

export interface MetricPublisher {
  /** Who publishes, as the template names it: a function's entry, or `slot-monitor`. */
  publisher: string;
  /** Dimension sets per metric name: one per function (Powertools' `service`), one per consumer, one per slot. */
  series: 'one' | 'per-consumer' | 'per-slot';
  metrics: Record<string, MetricCadence>;
}

/**
 * Every custom metric the code publishes (namespace `Holdline`), from the names the code defines where it defines
 * them (metric-names.ts, the sequence guard, the slot monitor's `toMetrics`) and, for the handlers that name theirs
 * inline, as written there. `custom-metrics.test.ts` scans the code and fails on a name this list does not have.
 */
export const metricPublishers: MetricPublisher[] = [
  {
    publisher: 'lambdas/consumers/*/handler.ts',
    series: 'per-consumer',
    metrics: {
      // Published on every invocation (0 while the breaker is closed); the other two only when they count something.
      [metricNames.dependencyDown]: 'traffic',
      EndToEndLatency: 'traffic',
      // Every invocation with a record (consumer lag on the on-call panel).
      [metricNames.oldestMessageAgeAtReceive]: 'traffic',
      [metricNames.dependencyFailures]: 'incident',
      [metricNames.recordsHandedBack]: 'incident',
      [SEQUENCE_ANOMALIES_METRIC]: 'incident',
      // Only when DynamoDB failed between a side effect and its record.
      [metricNames.idempotencyRecordUnsaved]: 'incident',
    },
  },
  {
    publisher: 'lambdas/router/handler.ts',
    series: 'one',
    // Debezium's heartbeat reaches the router every 10 s, traffic or not.
    metrics: {
      HeartbeatsSkipped: 'always',
      EventsRouted: 'traffic',
      [metricNames.recordsQuarantined]: 'incident',
      RecordsHeldBack: 'incident',
      RecordsFailed: 'incident',
    },
  },
  {
    publisher: 'lambdas/change-rules/handler.ts',
    series: 'one',
    metrics: {
      RuleMatches: 'traffic',
      ChangeRecordsQuarantined: 'incident',
      [metricNames.flurryDetected]: 'incident',
      BulkChangesThrottled: 'incident',
      BulkChangesSkipped: 'incident',
      BulkSummaries: 'incident',
    },
  },
  {
    publisher: 'lambdas/order-view/handler.ts',
    series: 'one',
    metrics: {
      HeartbeatsSkipped: 'always',
      ViewWritesApplied: 'traffic',
      ViewWritesSuperseded: 'incident',
      [metricNames.recordsQuarantined]: 'incident',
      RecordsFailed: 'incident',
    },
  },
  {
    publisher: 'lambdas/reconcile/handler.ts',
    series: 'one',
    // Every run, every minute, each with its count (0 included).
    metrics: Object.fromEntries(
      [
        metricNames.reconcileStuck,
        metricNames.reconcileResolved,
        metricNames.reconcileRedriven,
        metricNames.reconcileNoCharge,
        metricNames.reconcileGivenUp,
        metricNames.reconcileFailed,
        metricNames.reconcileMaxResolveSeconds,
      ].map((name) => [name, 'always' as const]),
    ),
  },
  {
    publisher: 'lambdas/outbox-reaper/handler.ts',
    series: 'one',
    // Hourly runs: a datapoint every hour is billed as a whole month.
    metrics: {
      OutboxPartitionsDropped: 'always',
      OutboxPartitionsKeptUnsent: 'always',
      OutboxPartitionsLockSkipped: 'always',
    },
  },
];

/** The slot monitor's metrics for one run with every figure known: server-wide, then per slot. */
export function slotMonitorMetricNames(): { server: string[]; perSlot: string[] } {
  const slot: SlotAssessment = {
    slotName: 's',
    retainedBytes: 1,
    consumerLagBytes: 1,
    safeWalSizeBytes: 1,
    growthBytesPerSecond: 0,
    timeToCapSeconds: 1,
    inactiveSeconds: 0,
    lost: false,
    unreserved: false,
    cause: 'healthy',
    explanation: '',
  };
  const data = toMetrics(
    {
      at: 0,
      serverVersionNum: 170000,
      capBytes: 1,
      pgWalBytes: 1,
      oldestTransaction: null,
      slots: [],
    },
    [slot],
  );
  return {
    server: data.filter((d) => d.slotName === undefined).map((d) => d.name),
    perSlot: data.filter((d) => d.slotName !== undefined).map((d) => d.name),
  };
}

export interface MetricCount {
  always: number;
  traffic: number;
  incident: number;
}

/** Custom metrics (name × dimension set) for a stack with these consumers and slots. */
export function countCustomMetrics(consumers: number, slots: number, withPgWal: boolean): MetricCount {
  const count: MetricCount = { always: 0, traffic: 0, incident: 0 };
  for (const p of metricPublishers) {
    const series = p.series === 'per-consumer' ? consumers : p.series === 'per-slot' ? slots : 1;
    for (const cadence of Object.values(p.metrics)) count[cadence] += series;
  }
  const monitor = slotMonitorMetricNames();
  // Aurora keeps no local pg_wal: the monitor publishes no PgWalBytes there.
  count.always += monitor.server.filter((n) => withPgWal || n !== 'PgWalBytes').length;
  count.always += monitor.perSlot.length * slots;
  return count;
}
