import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FailedAttempt, retryDelayMs, shouldRetry } from '../../web/src/retry-policy.ts';
import { apiClient } from './api-client.ts';
import { ApiError } from './errors.ts';

/** One POST's outcome: HTTP status (0 = network error or timeout), the order id when it was 201 or 200, and the
 *  server's Retry-After when it sent one. */
export interface Attempt extends FailedAttempt {
  id?: string;
}

/** Places one order with `idempotencyKey`; must not throw (a network error is `{ status: 0 }`). */
export type PlaceOrder = (idempotencyKey: string, i: number) => Promise<Attempt>;

export interface AcceptedOrder {
  id: string;
  idempotencyKey: string;
  /** When the load meant to send it, and when the 201 arrived (ms since epoch). */
  sentAt: number;
  acceptedAt: number;
  attempts: number;
}

export interface RefusedOrder {
  idempotencyKey: string;
  sentAt: number;
  lastStatus: number;
  attempts: number;
}

export interface LoadResult {
  offered: number;
  accepted: AcceptedOrder[];
  refused: RefusedOrder[];
}

export interface RetryPolicy {
  /** Retry after `failures` failed attempts (1-based), the last of which was `last`? */
  shouldRetry(failures: number, last: FailedAttempt): boolean;
  /** Pause before the next attempt. */
  delayMs(failures: number, last: FailedAttempt): number;
}

/**
 * The web UI's own policy (web/src/retry-policy.ts): network errors and 5xx a few times quickly, a 503 with
 * Retry-After at the server's pace for a while; never a 4xx. Always with the SAME Idempotency-Key, so a retry
 * after a lost answer returns the first order.
 */
export const webUiRetry: RetryPolicy = { shouldRetry, delayMs: retryDelayMs };

/** Offsets (ms from the start) of an open-loop load: `ratePerSecond` evenly spaced for `durationMs`. */
export function sendOffsets(ratePerSecond: number, durationMs: number): number[] {
  const count = Math.floor((ratePerSecond * durationMs) / 1000);
  return Array.from({ length: count }, (_, i) => Math.round((i * 1000) / ratePerSecond));
}

/**
 * Open loop: each order starts at its own time whether or not earlier ones were answered (a slow system gets more
 * requests in flight, as from real customers, instead of fewer). Every order is retried per `retry`.
 */
export async function openLoop(options: {
  ratePerSecond: number;
  durationMs: number;
  place: PlaceOrder;
  retry?: RetryPolicy;
  onAccepted?: (order: AcceptedOrder) => void;
}): Promise<LoadResult> {
  const retry = options.retry ?? webUiRetry;
  const started = Date.now();
  const accepted: AcceptedOrder[] = [];
  const refused: RefusedOrder[] = [];
  const one = async (i: number, sentAt: number) => {
    const idempotencyKey = randomUUID();
    let attempt = await options.place(idempotencyKey, i);
    let attempts = 1;
    while (attempt.status !== 201 && attempt.status !== 200 && retry.shouldRetry(attempts, attempt)) {
      await sleep(retry.delayMs(attempts, attempt));
      attempt = await options.place(idempotencyKey, i);
      attempts++;
    }
    // A 200 is a replay: the order a lost first answer had created. It was accepted and is checked like any other.
    if ((attempt.status === 201 || attempt.status === 200) && attempt.id) {
      const order = { id: attempt.id, idempotencyKey, sentAt, acceptedAt: Date.now(), attempts };
      accepted.push(order);
      options.onAccepted?.(order);
    } else refused.push({ idempotencyKey, sentAt, lastStatus: attempt.status, attempts });
  };
  const inFlight: Array<Promise<void>> = [];
  const offsets = sendOffsets(options.ratePerSecond, options.durationMs);
  for (const [i, offset] of offsets.entries()) {
    const wait = started + offset - Date.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(one(i, Date.now()));
  }
  await Promise.all(inFlight);
  return { offered: offsets.length, accepted, refused };
}

/**
 * `PlaceOrder` through the real HTTP API as `customerId` (a signed dev token). Each POST is bounded by `timeoutMs`,
 * default 30 s: API Gateway's integration limit, the longest a browser waits through it. (A 10 s bound turned 1,298
 * slow but successful POSTs of a loaded quick run into "network errors".)
 */
export function apiOrders(apiUrl: string, customerId: string, timeoutMs = 30_000): PlaceOrder {
  const client = apiClient(apiUrl, customerId, { timeoutMs });
  return async (idempotencyKey, i) => {
    try {
      const { order, replayed } = await client.place(
        {
          currency: 'USD',
          items: [{ sku: `LOAD-${i % 50}`, quantity: 1, unitPriceCents: 1000 + (i % 500) }],
        },
        { idempotencyKey },
      );
      return { status: replayed ? 200 : 201, id: order.id };
    } catch (error) {
      return error instanceof ApiError
        ? {
            status: error.status,
            ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
          }
        : { status: 0 };
    }
  };
}
