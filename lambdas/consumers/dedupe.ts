import { ConfigError } from '../shared/env.ts';

/**
 * The consumers' dedupe decisions, with no AWS in them (the Powertools wrapper in idempotent.ts applies them).
 *
 * - Key: the event's `eventId` (the outbox row's UUIDv7, also the FIFO MessageDeduplicationId), under a prefix
 *   per consumer, so the three consumers share one table without sharing records: payment having handled an event
 *   must not make inventory skip it. Powertools stores `<prefix>#<md5 of the key>`.
 * - Window: how long a handled event id is remembered (`IDEMPOTENCY_EXPIRES_AFTER_SECONDS`); a duplicate after
 *   it is applied again, and must then be caught by the domain's own guard (see docs/inbox-retention.md).
 */
export type ConsumerName = 'payment' | 'inventory' | 'notification';

/** JMESPath of the idempotency key in the consumer's message. */
export const EVENT_KEY_PATH = 'eventId';

export function idempotencyKeyPrefix(consumer: ConsumerName): string {
  return `holdline-${consumer}`;
}

/** The window in whole seconds from the environment's text; a missing, non-integer or < 1 value is a config error. */
export function idempotencyWindowSeconds(raw: string | undefined): number {
  const seconds = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isInteger(seconds) || seconds < 1)
    throw new ConfigError(
      'IDEMPOTENCY_EXPIRES_AFTER_SECONDS',
      `must be a whole number of seconds ≥ 1, got ${raw}`,
    );
  return seconds;
}

/** What a consumer's apply step returns; stored as the idempotency record's response. */
export interface Applied {
  /** The consumer-specific outcome, e.g. `confirmed`, `already-settled`, `reserved`. */
  outcome: string;
  /** The invocation that applied it (a replay carries the original's). */
  appliedBy: string;
}

/**
 * How a delivery was handled: applied now, or answered from an earlier application's record (a duplicate).
 * `unsaved`: applied, but its COMPLETED record could not be saved (why), so a later copy would apply it again.
 */
export type Delivery =
  | { kind: 'applied'; applied: Applied; unsaved?: unknown }
  | { kind: 'duplicate'; applied: Applied };

/** Marks a stored response as a replay (Powertools calls this only when it answers from a COMPLETED record). */
export function markReplayed(response: Applied): Applied & { replayed: true } {
  return { ...response, replayed: true };
}

export function classify(response: Applied & { replayed?: boolean }): Delivery {
  const { replayed, ...applied } = response;
  return replayed ? { kind: 'duplicate', applied } : { kind: 'applied', applied };
}

/** Milliseconds from the event's `occurredAt` to `now`, never negative (clock skew). */
export function endToEndLatencyMs(occurredAt: string, now: number): number {
  return Math.max(0, now - Date.parse(occurredAt));
}
