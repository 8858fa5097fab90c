/**
 * Metric names that both a function (which publishes them) and the stack (which alarms on them) use, defined
 * once.
 */

/** The CloudWatch namespace of every metric Holdline publishes. */
export const METRIC_NAMESPACE = 'Holdline';

export const metricNames = {
  /**
   * 1 while a dependency is down, else 0. Dimension `Consumer`: that consumer's circuit breaker is open. Dimension
   * `Dependency` = `database`: the slot monitor could not reach Postgres on its scheduled run.
   */
  dependencyDown: 'DependencyDown',
  /** Calls that failed because a dependency was unavailable; dimension `Consumer`. */
  dependencyFailures: 'DependencyFailures',
  /** Records handed back untried (breaker open, or the invocation running out of time); dimension `Consumer`. */
  recordsHandedBack: 'RecordsHandedBack',
  /** Orders pending past the reconcile deadline at the start of a run. */
  reconcileStuck: 'ReconcileStuck',
  reconcileResolved: 'ReconcileResolved',
  /** Orders with no charge whose payment the reconciler asked for again. */
  reconcileRedriven: 'ReconcileRedriven',
  /** Orders with no charge left pending (inside their re-drive interval). */
  reconcileNoCharge: 'ReconcileNoCharge',
  /** Orders given up on past the final deadline (payment_failed, "could not be processed"). */
  reconcileGivenUp: 'ReconcileGivenUp',
  /** Look-ups or updates that failed this run (retried next run). */
  reconcileFailed: 'ReconcileFailed',
  reconcileMaxResolveSeconds: 'ReconcileMaxResolveSeconds',
  /** One per unmarked flurry the change router detects (and throttles); the stack alarms on any. */
  flurryDetected: 'FlurryDetected',
  /** Stream records a reader (router, order view) copied to its failure queue: they can never succeed. */
  recordsQuarantined: 'RecordsQuarantined',
  /**
   * Seconds since the oldest message of a batch was sent, when its consumer received it; dimension `Consumer`.
   * The on-call panel's consumer lag where SQS publishes no `ApproximateAgeOfOldestMessage` (see message-age.ts).
   */
  oldestMessageAgeAtReceive: 'OldestMessageAgeAtReceive',
  /**
   * Events applied whose idempotency record could not be saved (the table unreachable): acknowledged anyway, so
   * only a later copy could repeat them; dimension `Consumer`.
   */
  idempotencyRecordUnsaved: 'IdempotencyRecordUnsaved',
} as const;
