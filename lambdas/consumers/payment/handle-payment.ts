import type { Order } from '../../orders/order.ts';
import { orderPaymentRequested } from '../../orders/order-events.ts';
import { paymentTransition } from '../../orders/order-state.ts';
import type { OrderTransition } from '../../orders/order-store.ts';
import type { OrderEventMessage } from '../../shared/order-event-message.ts';
import { OrderNotFoundError } from '../errors.ts';
import type { Charge } from './charge-client.ts';

export interface PaymentDeps {
  getOrder(orderId: string): Promise<Order | undefined>;
  charge(order: Order): Promise<Charge>;
  /** The guarded state change plus its outbox event; undefined if the order had already moved. */
  transition(change: OrderTransition): Promise<Order | undefined>;
}

export type PaymentResult = 'ignored' | 'already-settled' | 'confirmed' | 'payment_failed';

/**
 * Pays for a placed order and records the result. Safe to run any number of times for one event: a settled order
 * is left alone, the gateway answers a repeated key with the first charge, and the state change is guarded.
 */
export async function handlePayment(message: OrderEventMessage, deps: PaymentDeps): Promise<PaymentResult> {
  if (message.eventType !== 'OrderPlaced' && message.eventType !== orderPaymentRequested) return 'ignored';
  const order = await deps.getOrder(message.aggregateId);
  if (!order) throw new OrderNotFoundError(message.aggregateId);
  if (order.status !== 'pending') return 'already-settled';
  const charge = await deps.charge(order);
  const transition = paymentTransition(order.status, charge.status);
  if (!transition) return 'already-settled';
  const moved = await deps.transition({
    orderId: order.id,
    ...transition,
    payload: { chargeId: charge.chargeId, causedBy: message.eventId },
    traceContext: message.traceContext,
    // The version the charge decision was made on: a late or repeated result cannot apply to a moved order.
    expectedVersion: order.version,
  });
  if (!moved) return 'already-settled';
  return transition.to === 'confirmed' ? 'confirmed' : 'payment_failed';
}
