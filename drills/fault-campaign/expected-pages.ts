import type { FaultKind } from './schedule.ts';

/**
 * Which alarm each fault must page, as fragments of alarm names (any one going to ALARM between the fault's start
 * and its end + PAGE_GRACE_MS counts). One row per fault kind, so renaming an alarm is a one-line change here.
 * `DependencyDown` is issue 12's dependency-down metric alarm (namespace `Holdline`); an empty row means the fault
 * heals itself before anyone could act, so a page would be noise.
 */
export const expectedPages: Record<FaultKind, readonly string[]> = {
  // The database unreachable (refused, then hanging): consumers and router see a dependency failure.
  'postgres-kill': ['DependencyDown'],
  'postgres-freeze': ['DependencyDown'],
  // The payment provider failing (503) or hanging (timeouts): the payment consumer's dependency is down.
  'gateway-outage': ['DependencyDown'],
  'gateway-hang': ['DependencyDown'],
  // The idempotency store and the order view's table hang.
  'dynamodb-freeze': ['DependencyDown'],
  // ECS starts a new task at once; the slot-inactive alarm pages only if it stays down.
  'debezium-kill': [],
  // Lambda replaces a killed container on the next invocation; one error is below any Errors alarm's threshold.
  'lambda-kill': [],
};

/** Alarm periods and M-of-N: how long after a fault ends its page may still arrive (local periods are 5 s). */
export const PAGE_GRACE_MS = 60_000;
