import { describe, expect, it } from 'vitest';
import type { PendingCursor, StuckOrder } from '../orders/order-store.ts';
import type { GatewayRecord } from './decide.ts';
import { type ReconcileDeps, type ReconcileOptions, reconcile } from './reconcile.ts';

const now = new Date('2026-11-24T12:03:00Z');
const placed = (id: string, createdAt: string, paymentRequestedAt: string | null = null): StuckOrder => ({
  id,
  customerId: 'c',
  status: 'pending',
  currency: 'USD',
  totalCents: 100,
  items: [],
  version: 1,
  createdAt,
  updatedAt: createdAt,
  paymentRequestedAt,
});

/** In-memory fakes of the order store and the gateway, paging like the SQL does. */
function fakes(orders: StuckOrder[], gateway: Record<string, GatewayRecord | Error>) {
  const asked: Array<{ olderThan: Date; cursor: PendingCursor | undefined }> = [];
  const transitions: string[] = [];
  const redriven: string[] = [];
  const deps: ReconcileDeps = {
    stuckOrders: async (olderThan, cursor, limit) => {
      asked.push({ olderThan, cursor });
      const sorted = [...orders].sort(
        (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
      );
      const after = cursor
        ? sorted.filter(
            (o) => o.createdAt > cursor.createdAt || (o.createdAt === cursor.createdAt && o.id > cursor.id),
          )
        : sorted;
      return after.slice(0, limit);
    },
    lookUp: async (id) => {
      const record = gateway[id] ?? { found: false };
      if (record instanceof Error) throw record;
      return record;
    },
    transition: async (change) => {
      transitions.push(`${change.orderId}:${change.to}:${change.eventType}`);
      const order = orders.find((o) => o.id === change.orderId)!;
      return { ...order, status: change.to, version: 2, updatedAt: now.toISOString() };
    },
    requestPayment: async (id) => {
      redriven.push(id);
      return true;
    },
  };
  return { deps, asked, transitions, redriven };
}

const options = (overrides: Partial<ReconcileOptions> = {}): ReconcileOptions => ({
  now,
  deadlineSeconds: 120,
  pageSize: 100,
  concurrency: 4,
  redriveIntervalSeconds: 300,
  giveUpAfterSeconds: 7 * 3600,
  timeLeftMs: () => 60_000,
  reserveMs: 5_000,
  ...overrides,
});

describe('reconcile', () => {
  it('asks only for orders pending past the deadline', async () => {
    const { deps, asked } = fakes([], {});
    await reconcile(deps, options());
    expect(asked).toEqual([{ olderThan: new Date('2026-11-24T12:01:00Z'), cursor: undefined }]);
  });

  it('resolves each stuck order from the gateway record, and re-drives the one with no charge', async () => {
    const orders = [
      placed('a', '2026-11-24T12:00:00Z'),
      placed('b', '2026-11-24T12:00:30Z'),
      placed('c', '2026-11-24T12:00:40Z'),
    ];
    const { deps, transitions, redriven } = fakes(orders, {
      a: { found: true, chargeId: 'ch_a', status: 'succeeded' },
      b: { found: true, chargeId: 'ch_b', status: 'declined' },
    });
    const summary = await reconcile(deps, options({ deadlineSeconds: 60 }));
    expect(transitions.sort()).toEqual(['a:confirmed:OrderConfirmed', 'b:payment_failed:OrderPaymentFailed']);
    expect(redriven).toEqual(['c']);
    expect(summary).toMatchObject({ stuck: 3, resolved: 2, redriven: 1, failed: 0, maxResolveSeconds: 180 });
  });

  it('counts a failed look-up and carries on with the next order', async () => {
    const orders = [placed('a', '2026-11-24T12:00:00Z'), placed('b', '2026-11-24T12:00:00Z')];
    const { deps } = fakes(orders, {
      a: new Error('gateway down'),
      b: { found: true, chargeId: 'ch_b', status: 'succeeded' },
    });
    expect(await reconcile(deps, options({ deadlineSeconds: 60 }))).toMatchObject({ failed: 1, resolved: 1 });
  });

  it('pages past 150 orders it cannot resolve to settle a newer one in the same run', async () => {
    const old = Array.from({ length: 150 }, (_, i) =>
      placed(`old-${String(i).padStart(3, '0')}`, '2026-11-24T11:00:00Z', '2026-11-24T12:02:00Z'),
    );
    const newer = placed('newer', '2026-11-24T11:30:00Z');
    const { deps, transitions } = fakes([...old, newer], {
      newer: { found: true, chargeId: 'ch_n', status: 'succeeded' },
    });
    const summary = await reconcile(deps, options());
    expect(transitions).toEqual(['newer:confirmed:OrderConfirmed']);
    expect(summary).toMatchObject({ stuck: 151, noCharge: 150, resolved: 1, pages: 2, complete: true });
  });

  it('fails an order with no charge past the final deadline, with its reason', async () => {
    const { deps, transitions } = fakes([placed('a', '2026-11-24T04:00:00Z', '2026-11-24T11:00:00Z')], {});
    expect(await reconcile(deps, options())).toMatchObject({ givenUp: 1 });
    expect(transitions).toEqual(['a:payment_failed:OrderPaymentFailed']);
  });

  it('stops starting pages when the invocation runs short of time, and says the run was incomplete', async () => {
    const { deps } = fakes([placed('a', '2026-11-24T12:00:00Z')], {});
    expect(await reconcile(deps, options({ timeLeftMs: () => 1_000 }))).toMatchObject({
      pages: 0,
      complete: false,
    });
  });
});
