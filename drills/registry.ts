import { goalAppliedP99Ms, goalP99Ms, goalRate, minAchieved, throughputRate } from './cdc-latency/goal.ts';
import type { RunContext } from './kit/context.ts';
import type { Evidence } from './kit/figures.ts';
import type { ReadableReport, Report } from './kit/report.ts';

export type Runnable = (ctx: RunContext) => Promise<{ report: Report; readable: ReadableReport }>;

/** Every drill and bench by name; `npm test` runs each in quick mode so none can rot. */
export const benches = {
  'write-path': async () => (await import('./write-path/run.ts')).run,
  'emulator-fidelity': async () => (await import('./emulator-fidelity/run.ts')).run,
  'cdc-latency': async () => (await import('./cdc-latency/run.ts')).run,
  'outbox-poll': async () => (await import('./outbox-poll/run.ts')).run,
  'relay-ab': async () => (await import('./relay-ab/run.ts')).run,
  soak: async () => (await import('./soak/run.ts')).run,
} satisfies Record<string, () => Promise<Runnable>>;

export const drills = {
  'cdc-view': async () => (await import('./cdc-view/run.ts')).run,
  'cdc-view-mariadb': async () => (await import('./cdc-view-mariadb/run.ts')).run,
  'payment-crash': async () => (await import('./payment-crash/run.ts')).run,
  'late-duplicate': async () => (await import('./late-duplicate/run.ts')).run,
  'relay-crash': async () => (await import('./relay-crash/run.ts')).run,
  'dual-write': async () => (await import('./dual-write/run.ts')).run,
  'relay-replicas': async () => (await import('./relay-replicas/run.ts')).run,
  poison: async () => (await import('./poison/run.ts')).run,
  'dlq-replay': async () => (await import('./dlq-replay/run.ts')).run,
  reconcile: async () => (await import('./reconcile/run.ts')).run,
  'ui-honesty': async () => (await import('./ui-honesty/run.ts')).run,
  'stalled-slot': async () => (await import('./stalled-slot/run.ts')).run,
  'long-txn': async () => (await import('./long-txn/run.ts')).run,
  'snapshot-freeze': async () => (await import('./snapshot-freeze/run.ts')).run,
  'fault-campaign': async () => (await import('./fault-campaign/run.ts')).run,
  'schema-change': async () => (await import('./schema-change/run.ts')).run,
  'cross-table': async () => (await import('./cross-table/run.ts')).run,
  'hot-key': async () => (await import('./hot-key/run.ts')).run,
  'bulk-flurry': async () => (await import('./bulk-flurry/run.ts')).run,
} satisfies Record<string, () => Promise<Runnable>>;

/** Every drill and bench, by name. */
export type RunnableName = keyof typeof benches | keyof typeof drills;

/**
 * What each drill or bench proves and its headline figures, declared once: the README's results table shows them,
 * and `bench compare` judges their moves by `better` (a move the other way beyond `tolerance` is a regression).
 */
export const evidence: Record<RunnableName, Evidence> = {
  'write-path': {
    proves: 'what the outbox costs the write path (order + outbox vs bare insert)',
    headline: [
      { metric: 'ratio', label: 'ratio', better: 'higher' },
      { metric: 'goalRatio', label: 'goal ≥' },
      { metric: 'bareTps', label: 'bare', unit: 'tx/s', better: 'higher' },
      { metric: 'outboxTps', label: 'outbox', unit: 'tx/s', better: 'higher' },
    ],
  },
  'emulator-fidelity': {
    proves: 'which emulator behaves like the AWS service on the checks the pipeline rests on',
    headline: [
      { metric: 'elasticmq.fail', label: 'ElasticMQ fails', better: 'lower', tolerance: 0 },
      { metric: 'ferrokinesis.fail', label: 'ferrokinesis fails', better: 'lower', tolerance: 0 },
      { metric: 'dynamodb-local.fail', label: 'DynamoDB Local fails', better: 'lower', tolerance: 0 },
      { metric: 'moto.fail', label: 'moto fails', better: 'lower', tolerance: 0 },
    ],
  },
  'cdc-latency': {
    proves: 'commit → Kinesis → consumer latency at rising order rates',
    // The full run's rates are 50, 200 and 500/s: the goals are at the second and third.
    headline: [
      { metric: 'rates.0.target', label: 'at', unit: '/s' },
      { metric: 'rates.0.kinesisP99Ms', label: 'commit → Kinesis p99', unit: 'ms', better: 'lower' },
      { metric: 'rates.0.appliedP99Ms', label: 'commit → applied p99', unit: 'ms', better: 'lower' },
      { metric: 'rates.0.appliedPerSec', label: 'applied', unit: '/s', better: 'higher' },
      {
        metric: 'rates.1.kinesisP99Ms',
        label: `at ${goalRate}/s: commit → Kinesis p99 (goal ≤ ${goalP99Ms})`,
        unit: 'ms',
        better: 'lower',
      },
      {
        metric: 'rates.1.appliedP99Ms',
        label: `commit → applied p99 (goal ≤ ${goalAppliedP99Ms.toLocaleString('en-US')})`,
        unit: 'ms',
        better: 'lower',
      },
      {
        metric: 'rates.2.achieved',
        label: `at ${throughputRate}/s: achieved (goal ≥ ${minAchieved})`,
        unit: '/s',
        better: 'higher',
      },
      { metric: 'rates.2.appliedPerSec', label: 'applied', unit: '/s', better: 'higher' },
    ],
  },
  'outbox-poll': {
    proves: 'the polling relay’s claim stays flat as the outbox grows',
    headline: [
      { metric: 'ratioLargestToSmallest', label: 'largest/smallest claim p50', better: 'lower' },
      { metric: 'goalRatio', label: 'goal ≤' },
      { metric: 'reapMs', label: 'reap', unit: 'ms', better: 'lower' },
    ],
  },
  'relay-ab': {
    proves: 'CDC relays faster and cheaper than polling, same load',
    headline: [
      { metric: 'cdcP50Ms', label: 'CDC p50', unit: 'ms', better: 'lower' },
      { metric: 'cdcP99Ms', label: 'CDC p99', unit: 'ms', better: 'lower' },
      { metric: 'pollingP50Ms', label: 'polling p50', unit: 'ms' },
      { metric: 'goalMet', label: 'goal met' },
    ],
  },
  soak: {
    proves: 'no memory growth or latency trend under sustained load',
    headline: [
      { metric: 'rate', label: 'rate', unit: '/s' },
      { metric: 'seconds', label: 'for', unit: 's' },
      { metric: 'memoryGrowth', label: 'memory growth', better: 'lower' },
      { metric: 'lost', label: 'lost', better: 'lower', tolerance: 0 },
      { metric: 'doubleCharges', label: 'double charges', better: 'lower', tolerance: 0 },
    ],
  },
  'cdc-view': {
    proves: 'Postgres changes reach the DynamoDB order view, replays change nothing',
    headline: [
      { metric: 'changes', label: 'changes' },
      { metric: 'p99VisibleMs', label: 'visible p99', unit: 'ms', better: 'lower' },
      { metric: 'replayDiffs', label: 'replay diffs', better: 'lower', tolerance: 0 },
    ],
  },
  'cdc-view-mariadb': {
    proves: 'the same order view from a MariaDB source',
    headline: [
      { metric: 'changes', label: 'changes' },
      { metric: 'p99VisibleMs', label: 'visible p99', unit: 'ms', better: 'lower' },
      { metric: 'replayDiffs', label: 'replay diffs', better: 'lower', tolerance: 0 },
      { metric: 'sourceDiffs', label: 'source diffs', better: 'lower', tolerance: 0 },
    ],
  },
  'payment-crash': {
    proves: 'a consumer killed between charge and ack never charges twice',
    headline: [
      { metric: 'crashes', label: 'crashes' },
      { metric: 'charges', label: 'charges' },
      { metric: 'doubleCharges', label: 'double charges', better: 'lower', tolerance: 0 },
      { metric: 'missingCharges', label: 'missing charges', better: 'lower', tolerance: 0 },
    ],
  },
  'late-duplicate': {
    proves: 'a duplicate past the idempotency window is still caught',
    headline: [
      { metric: 'duplicatesAfterWindow', label: 'copies after window' },
      { metric: 'reapplied', label: 'reapplied', better: 'lower', tolerance: 0 },
      { metric: 'caughtByGuard', label: 'caught by guard' },
    ],
  },
  'relay-crash': {
    proves: 'relay and router crashes duplicate deliveries but never effects',
    headline: [
      { metric: 'kills', label: 'kills' },
      { metric: 'deliveredDuplicates', label: 'delivered duplicates' },
      { metric: 'duplicateEffects', label: 'duplicate effects', better: 'lower', tolerance: 0 },
      { metric: 'lost', label: 'lost', better: 'lower', tolerance: 0 },
    ],
  },
  'dual-write': {
    proves: 'commit-then-publish loses events on a crash; the outbox does not',
    headline: [
      { metric: 'crashes', label: 'crashes' },
      { metric: 'naiveLost', label: 'naive lost' },
      { metric: 'outboxLost', label: 'outbox lost', better: 'lower', tolerance: 0 },
      { metric: 'outboxDuplicates', label: 'outbox duplicates' },
    ],
  },
  'relay-replicas': {
    proves: 'polling-relay replicas under SIGKILL: no double publish, no loss, order kept',
    headline: [
      { metric: 'events', label: 'events' },
      { metric: 'replicaKills', label: 'kills' },
      { metric: 'publishedTwiceInSamePass', label: 'published twice', better: 'lower', tolerance: 0 },
      { metric: 'lost', label: 'lost', better: 'lower', tolerance: 0 },
      { metric: 'orderViolations', label: 'order violations', better: 'lower', tolerance: 0 },
    ],
  },
  poison: {
    proves: 'one poison message is quarantined without stalling the others',
    headline: [
      { metric: 'poisonQuarantinedAfterSeconds', label: 'quarantined after', unit: 's', better: 'lower' },
      { metric: 'othersCompleted', label: 'others completed' },
      { metric: 'othersTotal', label: 'of' },
      { metric: 'maxOldestMessageAgeSeconds', label: 'oldest message age', unit: 's', better: 'lower' },
    ],
  },
  'dlq-replay': {
    proves: 'replaying the DLQ, twice and with a late copy, charges and confirms once',
    headline: [
      { metric: 'chargesCreated', label: 'charges', better: 'lower', tolerance: 0 },
      { metric: 'orderConfirmedEvents', label: 'OrderConfirmed events', better: 'lower', tolerance: 0 },
      { metric: 'dlqAfter', label: 'DLQ after', better: 'lower', tolerance: 0 },
    ],
  },
  reconcile: {
    proves: 'orders left pending by a lost confirmation are settled from the gateway’s record',
    headline: [
      { metric: 'stuck', label: 'stuck' },
      { metric: 'resolved', label: 'resolved', better: 'higher', tolerance: 0 },
      { metric: 'maxResolveSeconds', label: 'slowest', unit: 's', better: 'lower' },
    ],
  },
  'ui-honesty': {
    proves: 'the customer’s screen never claims what the system has not reached',
    headline: [
      { metric: 'pendingShownMsP99', label: 'pending shown p99', unit: 'ms', better: 'lower' },
      { metric: 'prematureConfirmations', label: 'premature confirmations', better: 'lower', tolerance: 0 },
      { metric: 'ordersLostOnRefetch', label: 'lost on refetch', better: 'lower', tolerance: 0 },
      { metric: 'duplicateOrders', label: 'duplicates', better: 'lower', tolerance: 0 },
    ],
  },
  'stalled-slot': {
    proves: 'a stalled slot pages before its WAL cap and never fills the disk',
    headline: [
      { metric: 'alarmLeadSeconds', label: 'alarm lead', unit: 's', better: 'higher' },
      { metric: 'invalidatedBeforeFull', label: 'invalidated before full' },
      { metric: 'minFreeDiskBytes', label: 'min free disk', unit: 'B', better: 'higher' },
      { metric: 'viewDiffAfterRecovery', label: 'view diffs after recovery', better: 'lower', tolerance: 0 },
      { metric: 'recommendedMode', label: 'recovery mode' },
    ],
  },
  'long-txn': {
    proves: 'the slot monitor tells a stalled consumer from a long transaction',
    headline: [
      { metric: 'stalledClassifiedAs', label: 'stall seen as' },
      { metric: 'longTxnClassifiedAs', label: 'long txn seen as' },
      { metric: 'longTxnPidNamed', label: 'pid named' },
      { metric: 'afterCommitClassifiedAs', label: 'after commit' },
    ],
  },
  'snapshot-freeze': {
    proves: 'which snapshot mode freezes writes least',
    headline: [
      // By mode name, not position: a full run's second mode is initial-extended, a quick run's incremental.
      {
        metric: 'writeFreezeMsByMode.initial-minimal',
        label: 'initial-minimal freeze',
        unit: 'ms',
        better: 'lower',
      },
      { metric: 'writeFreezeMsByMode.incremental', label: 'incremental freeze', unit: 'ms', better: 'lower' },
      { metric: 'rows', label: 'rows' },
      { metric: 'recommendedMode', label: 'recommended' },
    ],
  },
  'fault-campaign': {
    proves: 'overlapping faults: every order ends terminal, charged once, nothing lost',
    headline: [
      { metric: 'ordersAccepted', label: 'accepted' },
      { metric: 'ordersStuck', label: 'stuck', better: 'lower', tolerance: 0 },
      { metric: 'maxRecoverySeconds', label: 'slowest recovery', unit: 's', better: 'lower' },
      { metric: 'doubleCharges', label: 'double charges', better: 'lower', tolerance: 0 },
      { metric: 'lostEvents', label: 'lost events', better: 'lower', tolerance: 0 },
    ],
    // The other invariants: any move up is a regression (a run at 8c34309 went from 0 to 19 duplicate
    // mails and compare only called it "moved").
    judged: [
      { metric: 'duplicateEffects', label: 'duplicate effects', better: 'lower', tolerance: 0 },
      { metric: 'missingCharges', label: 'missing charges', better: 'lower', tolerance: 0 },
      { metric: 'chargedButFailed', label: 'charged but failed', better: 'lower', tolerance: 0 },
      { metric: 'dlqMessages', label: 'DLQ messages', better: 'lower', tolerance: 0 },
      { metric: 'manualActions', label: 'manual actions', better: 'lower', tolerance: 0 },
      { metric: 'unpagedFaults', label: 'unpaged faults', better: 'lower', tolerance: 0 },
    ],
  },
  'schema-change': {
    proves: 'online migrations under writes keep events identical and the view honest',
    headline: [
      { metric: 'migrations', label: 'migrations' },
      { metric: 'eventDiffs', label: 'event diffs', better: 'lower', tolerance: 0 },
      { metric: 'writeErrors', label: 'failed writes', better: 'lower', tolerance: 0 },
    ],
  },
  'cross-table': {
    proves: 'events of two tables arriving out of order never show an impossible state',
    headline: [
      { metric: 'events', label: 'events' },
      { metric: 'reorderedPairs', label: 'reordered pairs' },
      { metric: 'finalDiffs', label: 'final diffs', better: 'lower', tolerance: 0 },
      { metric: 'impossibleStatesSeen', label: 'impossible states', better: 'lower', tolerance: 0 },
    ],
  },
  'hot-key': {
    proves: 'how the partition key spreads a whale customer across shards and FIFO groups',
    headline: [
      { metric: 'customer.throttledRecords', label: 'by customer: throttled' },
      { metric: 'order.throttledRecords', label: 'by order: throttled', better: 'lower' },
      { metric: 'salted.whaleP99Ms', label: 'salted whale p99', unit: 'ms', better: 'lower' },
      { metric: 'salted.lost', label: 'lost', better: 'lower', tolerance: 0 },
    ],
  },
  'bulk-flurry': {
    proves: 'a bulk migration, marked or not, neither floods the rule consumers nor delays the orders',
    headline: [
      { metric: 'bulkRows', label: 'rows' },
      { metric: 'orderAppliedP99Ms.marked.ratio', label: 'marked p99 during/before', better: 'lower' },
      { metric: 'orderAppliedP99Ms.unmarked.ratio', label: 'unmarked p99 during/before', better: 'lower' },
      { metric: 'flurryDetectedSeconds', label: 'flurry detected after', unit: 's', better: 'lower' },
      { metric: 'slotRetainedMaxBytes', label: 'slot retained max', unit: 'B', better: 'lower' },
    ],
  },
};
