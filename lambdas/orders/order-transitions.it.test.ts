import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgClient } from '../shared/db/pg-client.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { requireEnv } from '../shared/env.ts';
import { cancelTransition, paymentTransition } from './order-state.ts';
import { getOrder, placeOrder, transitionOrder } from './order-store.ts';

// The order state machine against the real Postgres: every transition is one guarded UPDATE plus its outbox row;
// a late or repeated result, a stale version or a second cancel leaves the row and the outbox untouched.
// `api` places orders as the API's login; `db` is the payment consumer's and reconciler's login, as in AWS.
let api: SqlClient;
let db: SqlClient;

beforeAll(() => {
  api = createPgClient({ connectionString: requireEnv('DATABASE_URL') });
  db = createPgClient({ connectionString: requireEnv('HOLDLINE_CONSUMER_DATABASE_URL') });
});
afterAll(async () => {
  await Promise.all([api?.close(), db?.close()]);
});

async function newOrder(tag: string) {
  const { order } = await placeOrder(
    api,
    {
      customerId: `c-transitions-${tag}`,
      currency: 'USD',
      items: [{ sku: 'T-1', quantity: 1, unitPriceCents: 700 }],
    },
    { idempotencyKey: `transitions-${tag}-${Date.now()}-${Math.random()}`, traceContext: null },
  );
  return order;
}

async function resultEvents(orderId: string): Promise<string[]> {
  const rows = await api.query<{ event_type: string }>(
    `SELECT event_type FROM outbox WHERE aggregate_id = :id AND event_type <> 'OrderPlaced' ORDER BY sequence`,
    { id: orderId },
  );
  return rows.map((r) => r.event_type);
}

const change = (
  orderId: string,
  t: NonNullable<ReturnType<typeof paymentTransition>>,
  expectedVersion?: number,
) => ({
  orderId,
  ...t,
  // A payment result carries its charge (its published contract requires it); a cancel carries nothing more.
  payload: t.eventType === 'OrderCancelled' ? {} : { chargeId: `ch-${orderId}` },
  traceContext: null,
  ...(expectedVersion === undefined ? {} : { expectedVersion }),
});

describe('order transitions in Postgres', () => {
  it('confirms a pending order once: a repeated result changes nothing and writes no second event', async () => {
    const order = await newOrder('confirm');
    const t = paymentTransition('pending', 'succeeded');
    if (!t) throw new Error('no transition');

    const first = await transitionOrder(db, change(order.id, t, order.version));
    const repeat = await transitionOrder(db, change(order.id, t, order.version));

    expect(first).toMatchObject({ status: 'confirmed', version: 2 });
    expect(repeat).toBeUndefined();
    expect(await resultEvents(order.id)).toEqual(['OrderConfirmed']);
  });

  it('refuses a change decided on a stale version even when the status still matches', async () => {
    const order = await newOrder('stale');
    const t = paymentTransition('pending', 'succeeded');
    if (!t) throw new Error('no transition');

    const stale = await transitionOrder(db, change(order.id, t, order.version + 5));

    expect(stale).toBeUndefined();
    expect(await getOrder(db, order.id)).toMatchObject({ status: 'pending', version: 1 });
    expect(await resultEvents(order.id)).toEqual([]);
  });

  it('cancels a pending order, after which a late payment result cannot move it', async () => {
    const order = await newOrder('cancel');
    const cancel = cancelTransition('pending');
    if (!cancel) throw new Error('no transition');

    const cancelled = await transitionOrder(db, change(order.id, cancel, order.version));
    const late = await transitionOrder(
      db,
      change(order.id, { from: 'pending', to: 'confirmed', eventType: 'OrderConfirmed' }),
    );

    expect(cancelled).toMatchObject({ status: 'cancelled', version: 2 });
    expect(late).toBeUndefined();
    expect(await getOrder(db, order.id)).toMatchObject({ status: 'cancelled', version: 2 });
    expect(await resultEvents(order.id)).toEqual(['OrderCancelled']);
  });

  it('never moves a confirmed order back, whatever result arrives late', async () => {
    const order = await newOrder('backwards');
    const ok = paymentTransition('pending', 'succeeded');
    if (!ok) throw new Error('no transition');
    await transitionOrder(db, change(order.id, ok));

    for (const outcome of ['succeeded', 'declined'] as const)
      expect(paymentTransition('confirmed', outcome)).toBeUndefined();
    const forced = await transitionOrder(
      db,
      change(order.id, { from: 'pending', to: 'payment_failed', eventType: 'OrderPaymentFailed' }),
    );

    expect(forced).toBeUndefined();
    expect(await getOrder(db, order.id)).toMatchObject({ status: 'confirmed', version: 2 });
  });
});
