import { describe, expect, it } from 'vitest';
import { type Order, observe, ordersToWatch, type SeenOrders, statusText, visibleOrders } from './orders.ts';

const order = (
  id: string,
  version: number,
  status: Order['status'],
  createdAt = '2026-11-24T15:00:00Z',
): Order => ({
  id,
  customerId: 'c',
  status,
  currency: 'USD',
  totalCents: 100,
  items: [],
  version,
  createdAt,
  updatedAt: createdAt,
});
const empty: SeenOrders = new Map();

describe('the UI order memory', () => {
  it('keeps the customer’s new order when a refetched list does not contain it yet', () => {
    const placed = observe(empty, [order('a', 1, 'pending')], 'placed', 1000);
    const afterRefetch = observe(placed, [order('old', 2, 'confirmed', '2026-11-24T14:00:00Z')], 'list');
    expect(visibleOrders(afterRefetch).map((s) => s.order.id)).toEqual(['a', 'old']);
  });

  it('never moves an order back when a lagging list still says pending', () => {
    const confirmed = observe(empty, [order('a', 2, 'confirmed')], 'authoritative');
    const lagging = observe(confirmed, [order('a', 1, 'pending')], 'list');
    expect(lagging.get('a')?.order.status).toBe('confirmed');
    expect(lagging).toBe(confirmed);
  });

  it('moves an order forward on a newer version from any source', () => {
    const placed = observe(empty, [order('a', 1, 'pending')], 'placed', 5);
    const failed = observe(placed, [order('a', 2, 'payment_failed')], 'list');
    expect(failed.get('a')).toMatchObject({
      source: 'list',
      placedAt: 5,
      order: { status: 'payment_failed' },
    });
  });

  it('watches own pending orders and orders the list has not shown', () => {
    let seen = observe(empty, [order('mine', 1, 'pending')], 'placed', 1);
    seen = observe(seen, [order('listed', 1, 'pending'), order('done', 2, 'confirmed')], 'list');
    expect(ordersToWatch(seen, new Set(['listed', 'done']))).toEqual(['mine']);
  });

  it('says "still processing" instead of "pending" once the wait is long', () => {
    const seen = observe(empty, [order('a', 1, 'pending')], 'placed', 0).get('a')!;
    expect(statusText(seen, 1000).label).toBe('Pending');
    expect(statusText(seen, 60_000).label).toBe('Still processing');
  });
});
