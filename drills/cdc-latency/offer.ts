import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import { placeOrder } from '../../lambdas/orders/order-store.ts';
import type { SqlClient } from '../../lambdas/shared/db/sql-client.ts';
import type { Sample } from './breakdown.ts';

const request: PlaceOrder = {
  customerId: 'cdc-bench',
  currency: 'USD',
  items: [{ sku: 'BOOK-1', quantity: 1, unitPriceCents: 1250 }],
};

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with the emulators' timestamps). */
export const now = () => performance.timeOrigin + performance.now();

/** Open loop: order i is sent at t0 + i/rate whether or not earlier ones have committed. */
export async function offer(
  db: SqlClient,
  rate: number,
  seconds: number,
  track: (orderId: string, sample: Sample) => void,
): Promise<{ sent: number; failed: number; windowMs: number }> {
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const t0 = now();
  const inFlight: Promise<void>[] = [];
  let failed = 0;
  let lastCommit = t0;
  for (let i = 0; i < total; ) {
    const t = now();
    while (i < total && t0 + i * intervalMs <= t) {
      const sample: Sample = { scheduledAt: t0 + i * intervalMs };
      inFlight.push(
        placeOrder(db, request).then(
          ({ order }) => {
            sample.committedAt = now();
            lastCommit = Math.max(lastCommit, sample.committedAt);
            track(order.id, sample);
          },
          () => {
            failed++;
          },
        ),
      );
      i++;
    }
    if (i < total) await sleep(Math.max(0, t0 + i * intervalMs - now()));
  }
  await Promise.all(inFlight);
  return { sent: total, failed, windowMs: Math.max(seconds * 1000, lastCommit - t0) };
}

/** Waits until every sample has reached the stream and been applied, or `timeoutMs` passes. */
export async function settle(samples: Sample[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (samples.every((s) => s.kinesisSeenAt !== undefined && s.appliedAt !== undefined)) return;
    await sleep(100);
  }
}

/** 20 orders/s for 1 s, settled: pool connections, plans and cold starts stay out of the figures that follow. */
export async function warmUp(db: SqlClient, track: (orderId: string, s: Sample) => void): Promise<void> {
  const warm: Sample[] = [];
  await offer(db, 20, 1, (id, s) => {
    track(id, s);
    warm.push(s);
  });
  await settle(warm, 30_000);
}
