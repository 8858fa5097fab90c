import type pg from 'pg';
import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import { insertOrderWithoutEvent } from '../../lambdas/orders/order-store.ts';
import type { SqlExecutor } from '../../lambdas/shared/db/sql-client.ts';

const request: PlaceOrder = {
  customerId: 'drill-stalled',
  currency: 'EUR',
  items: [{ sku: 'BOOK-1', quantity: 1, unitPriceCents: 1250 }],
};

/**
 * One order row through the order store. Without its OrderPlaced event, as this drill always wrote them: the
 * subject is the `orders` connector's slot, and the outbox connector is off here (`cdc: false`), so events would
 * only pile up undrained and add WAL the drill's figures never had.
 */
export async function insertOrder(orders: SqlExecutor): Promise<string> {
  const order = await insertOrderWithoutEvent(orders, request);
  if (!order) throw new Error('the order store wrote no order row');
  return order.id;
}

/**
 * Changes the view has not seen while the connector is down: `count` new orders through the order store, and half
 * as many existing orders (never the probe's) cancelled with a new version by the owner, as a consumer's transition
 * would. The next re-snapshot must bring both kinds.
 */
export async function writeGap(
  orders: SqlExecutor,
  owner: pg.Client,
  count: number,
  probeOrderId: string,
): Promise<void> {
  for (let i = 0; i < count; i++) await insertOrder(orders);
  await owner.query(
    `UPDATE orders SET status = 'cancelled', version = version + 1, updated_at = now()
     WHERE id IN (SELECT id FROM orders WHERE status = 'pending' AND id <> $1 ORDER BY id LIMIT $2)`,
    [probeOrderId, Math.floor(count / 2)],
  );
}
