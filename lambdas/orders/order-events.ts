import { v7 as uuidv7 } from 'uuid';
import type { Order } from './order.ts';

/** An outbox row: what Debezium's outbox router (or the polling relay) publishes, keyed by aggregate id. */
export interface OutboxEvent {
  /** UUIDv7: unique, the downstream dedupe key, and the outbox partition key (it starts with its timestamp). */
  eventId: string;
  aggregateType: 'order';
  aggregateId: string;
  /** Per-aggregate sequence: the order's version after this change. Consumers use it to detect gaps. */
  sequence: number;
  eventType: string;
  payload: Record<string, unknown>;
  traceContext: string | null;
}

/** The reconciler asks again for an order's payment (a message lost to an outage); only payment takes it. */
export const orderPaymentRequested = 'OrderPaymentRequested';

export function orderPlacedEvent(
  order: Pick<Order, 'id' | 'customerId' | 'currency' | 'totalCents' | 'items' | 'version'>,
  traceContext: string | null,
): OutboxEvent {
  return {
    eventId: uuidv7(),
    aggregateType: 'order',
    aggregateId: order.id,
    sequence: order.version,
    eventType: 'OrderPlaced',
    payload: {
      orderId: order.id,
      customerId: order.customerId,
      currency: order.currency,
      totalCents: order.totalCents,
      items: order.items,
    },
    traceContext,
  };
}
