/**
 * The UI's memory of orders, kept honest by three rules (pure, unit-tested in orders.test.ts):
 * 1. every status shown is one the server returned — nothing is ever shown as confirmed on the client's say-so;
 * 2. observations only move forward: of two server answers about one order, the higher `version` wins, so an
 *    eventually consistent list that lags behind can never move an order back (confirmed → pending);
 * 3. the customer's own placed orders stay shown until the list catches up (read-your-writes), because they are
 *    in `seen` from the POST's answer and the list is merged in, never substituted.
 */
// The API's own types (type-only: nothing of the Lambda code is bundled into the UI).
import type { Order } from '../../lambdas/orders/order.ts';

export type { Order, OrderStatus } from '../../lambdas/orders/order.ts';

/** Where an observation came from: the POST's answer, the authoritative GET, or the eventually consistent list. */
export type Source = 'placed' | 'authoritative' | 'list';

export interface Seen {
  order: Order;
  source: Source;
  /** When this tab placed the order (ms epoch), for "still processing" after a while; undefined if not ours. */
  placedAt?: number;
}

export type SeenOrders = ReadonlyMap<string, Seen>;

/** Folds server answers into what we have seen; an answer never replaces a newer version. */
export function observe(
  seen: SeenOrders,
  orders: readonly Order[],
  source: Source,
  now?: number,
): SeenOrders {
  let next: Map<string, Seen> | undefined;
  for (const order of orders) {
    const current = seen.get(order.id);
    if (current && current.order.version >= order.version) continue;
    next ??= new Map(seen);
    const placedAt = current?.placedAt ?? (source === 'placed' ? now : undefined);
    next.set(order.id, { order, source, ...(placedAt === undefined ? {} : { placedAt }) });
  }
  return next ?? seen;
}

/** Newest first. */
export function visibleOrders(seen: SeenOrders): Seen[] {
  return [...seen.values()].sort((a, b) => b.order.createdAt.localeCompare(a.order.createdAt));
}

/** Orders this tab placed that the list has not shown yet, or that are still pending: polled one by one. */
export function ordersToWatch(seen: SeenOrders, listIds: ReadonlySet<string>): string[] {
  return [...seen.values()]
    .filter((s) => s.order.status === 'pending' && (s.placedAt !== undefined || !listIds.has(s.order.id)))
    .map((s) => s.order.id);
}

/** After this long pending, say so plainly instead of spinning forever. */
export const stillProcessingAfterMs = 8_000;

export function statusText(seen: Seen, now: number): { label: string; detail: string } {
  switch (seen.order.status) {
    case 'confirmed':
      return { label: 'Confirmed', detail: 'Payment received.' };
    case 'payment_failed':
      return { label: 'Payment failed', detail: 'The payment was declined; you have not been charged.' };
    case 'cancelled':
      return { label: 'Cancelled', detail: 'This order was cancelled.' };
    default: {
      const waited = seen.placedAt === undefined ? 0 : now - seen.placedAt;
      return waited > stillProcessingAfterMs
        ? {
            label: 'Still processing',
            detail:
              'Payment is taking longer than usual. This page updates by itself; no need to order again.',
          }
        : { label: 'Pending', detail: 'Order received; waiting for the payment to complete.' };
    }
  }
}

export const money = (cents: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
