import type { WarehouseProvider } from '../../providers/warehouse-provider.ts';
import type { OrderEventMessage } from '../../shared/order-event-message.ts';

export type InventoryResult = 'ignored' | 'reserved';

/** The warehouse (lambdas/providers): the idempotency key makes a repeat a no-op there. */
export type InventoryDeps = WarehouseProvider;

/** Reserves stock for a placed order (one reservation per order: the key is the order id). Other events: none. */
export async function reserveStock(
  message: OrderEventMessage,
  deps: InventoryDeps,
): Promise<InventoryResult> {
  if (message.eventType !== 'OrderPlaced') return 'ignored';
  await deps.reserve(
    { orderId: message.aggregateId, eventId: message.eventId, items: message.payload.items ?? [] },
    `reservation:${message.aggregateId}`,
  );
  return 'reserved';
}
