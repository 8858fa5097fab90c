import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getOrder,
  pendingOrdersBefore,
  placeOrder,
  requestPayment,
  type StuckOrder,
  transitionOrder,
} from '../orders/order-store.ts';
import { createPgClient } from '../shared/db/pg-client.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { requireEnv } from '../shared/env.ts';
import { adminQuery } from '../test/db.ts';
import type { GatewayRecord } from './decide.ts';
import { reconcile } from './reconcile.ts';

// The reconciler's store queries against the real Postgres: keyset pages, the re-drive marker and its outbox
// event, the give-up transition. The gateway is a table of answers (its HTTP client has its own tests).
// `api` places orders as the API's login; `db` is the payment consumer's and reconciler's login, as in AWS.
let api: SqlClient;
let db: SqlClient;
const run = `${Date.now()}`;

beforeAll(() => {
  api = createPgClient({ connectionString: requireEnv('DATABASE_URL') });
  db = createPgClient({ connectionString: requireEnv('HOLDLINE_CONSUMER_DATABASE_URL') });
});
afterAll(async () => {
  await Promise.all([api?.close(), db?.close()]);
});

async function placeAged(tag: string, minutesAgo: number, paymentRequestedMinutesAgo?: number) {
  const { order } = await placeOrder(
    api,
    {
      customerId: `c-reconcile-it-${run}`,
      currency: 'USD',
      items: [{ sku: 'R-1', quantity: 1, unitPriceCents: 100 }],
    },
    { idempotencyKey: `reconcile-it-${run}-${tag}`, traceContext: null },
  );
  await adminQuery(
    `UPDATE orders SET created_at = now() - make_interval(mins => $2),
       payment_requested_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(mins => $3::int) END
     WHERE id = $1`,
    [order.id, minutesAgo, paymentRequestedMinutesAgo ?? null],
  );
  return order;
}

/**
 * Only this run's orders (other tests share the database), still in full pages: it reads on with the real
 * cursor until it has `limit` of ours or the table is exhausted, so the reconciler's paging is what is tested.
 */
async function ours(
  olderThan: Date,
  cursor: Parameters<typeof pendingOrdersBefore>[3],
  limit: number,
): Promise<StuckOrder[]> {
  const found: StuckOrder[] = [];
  let after = cursor;
  for (;;) {
    const page = await pendingOrdersBefore(db, olderThan, limit, after);
    found.push(...page.filter((o) => o.customerId.endsWith(run)));
    const last = page.at(-1);
    if (found.length >= limit || !last || page.length < limit) return found.slice(0, limit);
    after = { createdAt: last.createdAt, id: last.id };
  }
}

/** The stack's settings (deadline 2 min, re-drive every 5 min, give up after 7 h), with time to spare. */
const runOptions = () => ({
  now: new Date(),
  deadlineSeconds: 120,
  pageSize: 100,
  concurrency: 8,
  redriveIntervalSeconds: 300,
  giveUpAfterSeconds: 7 * 3600,
  timeLeftMs: () => 60_000,
  reserveMs: 5_000,
});

describe('reconcile against Postgres', () => {
  it('settles a newer order in one run behind 150 it cannot resolve (pages with a cursor)', async () => {
    // Placed 200 min ago and re-driven a minute ago: nothing to do for them this run.
    for (let i = 0; i < 150; i++) await placeAged(`old-${i}`, 200, 1);
    const newer = await placeAged('newer', 100);
    const gateway: Record<string, GatewayRecord> = {
      [newer.id]: { found: true, chargeId: 'ch_newer', status: 'succeeded' },
    };
    const summary = await reconcile(
      {
        stuckOrders: (olderThan, cursor, limit) => ours(olderThan, cursor, limit),
        lookUp: async (id) => gateway[id] ?? { found: false },
        transition: (change) => transitionOrder(db, change),
        requestPayment: (id, interval) => requestPayment(db, id, interval),
      },
      runOptions(),
    );
    expect(summary.resolved).toBe(1);
    expect(summary.noCharge).toBeGreaterThanOrEqual(150);
    expect((await getOrder(db, newer.id))?.status).toBe('confirmed');
  });

  it('asks again for the payment of an uncharged order once per interval, with an event for payment only', async () => {
    const order = await placeAged('redrive', 10);
    expect(await requestPayment(db, order.id, 300)).toBe(true);
    expect(await requestPayment(db, order.id, 300)).toBe(false);
    const events = await adminQuery<{ event_type: string; sequence: string; payload: { reason: string } }>(
      `SELECT event_type, sequence, payload FROM outbox WHERE aggregate_id = $1 ORDER BY event_id`,
      [order.id],
    );
    expect(events.map((e) => e.event_type)).toEqual(['OrderPlaced', 'OrderPaymentRequested']);
    expect(Number(events[1]?.sequence)).toBe(1);
    expect(events[1]?.payload.reason).toBe('reconcile');
    expect((await getOrder(db, order.id))?.version).toBe(1);
  });

  it('fails an order never charged past the final deadline, with a reason, and never asks again', async () => {
    const order = await placeAged('give-up', 8 * 60, 10);
    const summary = await reconcile(
      {
        stuckOrders: async (olderThan, cursor, limit) =>
          (await ours(olderThan, cursor, limit)).filter((o) => o.id === order.id),
        lookUp: async () => ({ found: false }),
        transition: (change) => transitionOrder(db, change),
        requestPayment: (id, interval) => requestPayment(db, id, interval),
      },
      runOptions(),
    );
    expect(summary.givenUp).toBe(1);
    expect((await getOrder(db, order.id))?.status).toBe('payment_failed');
    const [event] = await adminQuery<{ payload: { reason: string } }>(
      `SELECT payload FROM outbox WHERE aggregate_id = $1 AND event_type = 'OrderPaymentFailed'`,
      [order.id],
    );
    expect(event?.payload.reason).toBe('could not be processed');
    expect(await requestPayment(db, order.id, 0)).toBe(false);
  });
});
