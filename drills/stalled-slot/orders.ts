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
export async function insertOrder(orders: SqlExecutor): Promise<void> {
  const order = await insertOrderWithoutEvent(orders, request);
  if (!order) throw new Error('the order store wrote no order row');
}
