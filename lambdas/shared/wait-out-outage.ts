import { setTimeout as sleep } from 'node:timers/promises';
import { isDependencyUnavailable } from './dependency-failure.ts';

export interface OutageWait {
  /** Milliseconds left in the invocation (Lambda context). */
  timeLeftMs: () => number;
  /** Kept back for the rest of the batch's bookkeeping; no retry starts with less than this left. */
  reserveMs: number;
  /** First pause; doubles up to `maxPauseMs`. Defaults 500 ms and 8 s. */
  firstPauseMs?: number;
  maxPauseMs?: number;
  /** Called before each pause, for a log line. */
  onRetry?: (error: unknown, pauseMs: number) => void;
}

/**
 * Runs `work`; while it fails because a dependency is unavailable, waits and tries again for as long as the
 * invocation allows, then rethrows the last failure. For stream readers (the router, the order view), where a
 * failed record costs one of the mapping's few retry attempts: an outage of seconds (a DynamoDB brown-out, a
 * throttled send) is waited out inside the invocation instead of spending them. Other failures rethrow at once.
 */
export async function waitOutOutage<T>(work: () => Promise<T>, options: OutageWait): Promise<T> {
  let pauseMs = options.firstPauseMs ?? 500;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isDependencyUnavailable(error) || options.timeLeftMs() - pauseMs < options.reserveMs) throw error;
      options.onRetry?.(error, pauseMs);
      await sleep(pauseMs);
      pauseMs = Math.min(options.maxPauseMs ?? 8_000, pauseMs * 2);
    }
  }
}
