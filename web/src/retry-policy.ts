/**
 * When the order form retries a POST, and after how long: one policy, used by the form (TanStack Query's `retry`
 * and `retryDelay`) and by the drills' load generator, so a drill's customers behave as the page does. Every
 * retry reuses the draft's Idempotency-Key, so a retry never makes a second order.
 */

/** What a failed attempt told us: HTTP status (0: no answer) and the server's Retry-After, when it sent one. */
export interface FailedAttempt {
  status: number;
  retryAfterMs?: number;
}

/** A network error or a 5xx: 4 quick retries, 100 → 800 ms apart. */
const quickRetries = 4;
/**
 * A 503 with Retry-After is the API saying its order store is down for a while: retried at the server's pace for
 * this long, then the customer is told plainly and may try again (same key). 30 s, not the 30–120 s a database
 * restart or failover takes: a spinner that long loses the customer anyway, and every waiting page keeps a
 * request coming every Retry-After, which a recovering database should not meet all at once.
 */
export const UNAVAILABLE_PATIENCE_MS = 30_000;

export const isRetryable = (f: FailedAttempt) => f.status === 0 || f.status >= 500;
const serverPaced = (f: FailedAttempt) => f.status === 503 && f.retryAfterMs !== undefined;

/** Retry after `failures` failed attempts (1-based) whose last one was `last`? */
export function shouldRetry(failures: number, last: FailedAttempt): boolean {
  if (!isRetryable(last)) return false;
  if (serverPaced(last)) return failures * (last.retryAfterMs ?? 0) < UNAVAILABLE_PATIENCE_MS;
  return failures <= quickRetries;
}

/** The pause before the next attempt, after `failures` failed attempts (1-based). */
export function retryDelayMs(failures: number, last: FailedAttempt): number {
  if (serverPaced(last)) return last.retryAfterMs ?? 0;
  return Math.min(100 * 2 ** (failures - 1), 2000);
}

/** Retry-After in ms from a header value: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
