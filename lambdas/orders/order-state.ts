import type { OrderStatus } from './order.ts';

export type PaymentOutcome = 'succeeded' | 'declined';

export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  /** The outbox event the change emits. */
  eventType: 'OrderConfirmed' | 'OrderPaymentFailed';
}

/**
 * What a payment result does to an order. Only a pending order moves; a confirmed, failed or cancelled order
 * stays as it is, so a late or repeated result can never move an order backwards.
 */
export function paymentTransition(current: OrderStatus, outcome: PaymentOutcome): Transition | undefined {
  if (current !== 'pending') return undefined;
  return outcome === 'succeeded'
    ? { from: 'pending', to: 'confirmed', eventType: 'OrderConfirmed' }
    : { from: 'pending', to: 'payment_failed', eventType: 'OrderPaymentFailed' };
}
