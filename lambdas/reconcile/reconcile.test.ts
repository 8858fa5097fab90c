import { describe, expect, it } from 'vitest';
import type { Order } from '../orders/order.ts';
import type { GatewayRecord } from './decide.ts';
import { type ReconcileDeps, reconcile } from './reconcile.ts';

const placed = (id: string, createdAt: string): Order => ({
  id,
  customerId: 'c',
  status: 'pending',
  currency: 'USD',
  totalCents: 100,
  items: [],
  version: 1,
  createdAt,
  updatedAt: createdAt,
});

function fakes(
  orders: Order[],
  gateway: Record<string, GatewayRecord | Error>,
  movedAt = '2026-11-24T12:03:00Z',
) {
  const asked: Array<Date> = [];
  const transitions: string[] = [];
  const deps: ReconcileDeps = {
    stuckOrders: async (olderThan) => {
      asked.push(olderThan);
      return orders;
    },
    lookUp: async (id) => {
      const record = gateway[id] ?? { found: false };
      if (record instanceof Error) throw record;
      return record;
    },
    transition: async (change) => {
      transitions.push(`${change.orderId}:${change.to}:${change.eventType}`);
      const order = orders.find((o) => o.id === change.orderId)!;
      return { ...order, status: change.to, version: 2, updatedAt: movedAt };
    },
  };
  return { deps, asked, transitions };
}

describe('reconcile', () => {
  const now = new Date('2026-11-24T12:03:00Z');

  it('asks only for orders pending past the deadline', async () => {
    const { deps, asked } = fakes([], {});
    await reconcile(deps, { now, deadlineSeconds: 120, limit: 10 });
    expect(asked).toEqual([new Date('2026-11-24T12:01:00Z')]);
  });

  it('resolves each stuck order from the gateway record and emits its event', async () => {
    const orders = [
      placed('a', '2026-11-24T12:00:00Z'),
      placed('b', '2026-11-24T12:00:30Z'),
      placed('c', '2026-11-24T12:00:40Z'),
    ];
    const { deps, transitions } = fakes(orders, {
      a: { found: true, chargeId: 'ch_a', status: 'succeeded' },
      b: { found: true, chargeId: 'ch_b', status: 'declined' },
    });
    const summary = await reconcile(deps, { now, deadlineSeconds: 60, limit: 10 });
    expect(transitions).toEqual(['a:confirmed:OrderConfirmed', 'b:payment_failed:OrderPaymentFailed']);
    expect(summary).toMatchObject({ stuck: 3, resolved: 2, noCharge: 1, failed: 0, maxResolveSeconds: 180 });
  });

  it('counts a failed look-up and carries on with the next order', async () => {
    const orders = [placed('a', '2026-11-24T12:00:00Z'), placed('b', '2026-11-24T12:00:00Z')];
    const { deps } = fakes(orders, {
      a: new Error('gateway down'),
      b: { found: true, chargeId: 'ch_b', status: 'succeeded' },
    });
    expect(await reconcile(deps, { now, deadlineSeconds: 60, limit: 10 })).toMatchObject({
      failed: 1,
      resolved: 1,
    });
  });
});
