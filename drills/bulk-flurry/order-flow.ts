import { setTimeout as sleep } from 'node:timers/promises';
import { placeOrder } from '../../lambdas/orders/order-store.ts';
import type { SqlClient } from '../../lambdas/shared/db/sql-client.ts';
import { ORDER_CUSTOMER } from './plan.ts';
import type { OrderTiming } from './verdict.ts';

/**
 * Open-loop orders straight into the order store (order + outbox in one transaction, as the API writes them),
 * `ratePerSecond` evenly spaced, until stopped: each starts at its own time whether or not earlier ones committed.
 */
export function startOrderFlow(db: SqlClient, ratePerSecond: number) {
  const intervalMs = 1000 / ratePerSecond;
  const inFlight: Array<Promise<void>> = [];
  let running = true;
  let failed = 0;
  const t0 = Date.now();
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const wait = t0 + i * intervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      if (!running) break;
      inFlight.push(
        placeOrder(db, {
          customerId: ORDER_CUSTOMER,
          currency: 'USD',
          items: [{ sku: `FLURRY-${i % 20}`, quantity: 1, unitPriceCents: 1000 + (i % 500) }],
        }).then(
          () => {},
          () => {
            failed++;
          },
        ),
      );
    }
  })();
  return {
    startedAt: t0,
    async stop(): Promise<{ placed: number; failed: number }> {
      running = false;
      await loop;
      await Promise.all(inFlight);
      return { placed: inFlight.length - failed, failed };
    },
  };
}

/** Every order of the load: commit (`created_at`) and settle (`updated_at` once it left `pending`), by Postgres's clock. */
export async function orderTimings(db: SqlClient): Promise<OrderTiming[]> {
  const rows = await db.query<{ created: number; applied: number | null }>(
    `SELECT (extract(epoch FROM created_at) * 1000)::float8 AS created,
            CASE WHEN status <> 'pending' THEN (extract(epoch FROM updated_at) * 1000)::float8 END AS applied
     FROM orders WHERE customer_id = :customer ORDER BY created_at`,
    { customer: ORDER_CUSTOMER },
  );
  return rows.map((r) => ({
    createdAtMs: Number(r.created),
    ...(r.applied === null ? {} : { appliedAtMs: Number(r.applied) }),
  }));
}

/** Waits until no order of the load is pending, or `timeoutMs` passes; returns how many still are. */
export async function settleOrders(db: SqlClient, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.query<{ pending: number }>(
      "SELECT count(*)::int AS pending FROM orders WHERE customer_id = :customer AND status = 'pending'",
      { customer: ORDER_CUSTOMER },
    );
    const pending = row?.pending ?? 0;
    if (pending === 0 || Date.now() >= deadline) return pending;
    await sleep(500);
  }
}

/**
 * A few orders placed and settled before the measured load, so the order path's cold starts (Debezium's first
 * records, the router's and the payment consumer's first invocations) stay out of the first "before" window.
 */
export async function warmOrderPath(db: SqlClient, timeoutMs: number): Promise<number> {
  for (let i = 0; i < 5; i++)
    // A warm-up order that fails is only one fewer warm-up order.
    await placeOrder(db, {
      customerId: ORDER_CUSTOMER,
      currency: 'USD',
      items: [{ sku: 'FLURRY-WARM', quantity: 1, unitPriceCents: 1000 }],
    }).catch(() => {});
  return settleOrders(db, timeoutMs);
}
