import type { OrderStatus } from './order.ts';

export type PaymentOutcome = 'succeeded' | 'declined';

export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  /** The outbox event the change emits. */
  eventType: 'OrderConfirmed' | 'OrderPaymentFailed' | 'OrderCancelled';
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

/**
 * Cancelling: only a pending order can be cancelled (nothing charged yet). A confirmed, failed or already cancelled
 * order stays as it is; and once cancelled, a late payment result finds it not pending, so it is not charged.
 */
export function cancelTransition(current: OrderStatus): Transition | undefined {
  if (current !== 'pending') return undefined;
  return { from: 'pending', to: 'cancelled', eventType: 'OrderCancelled' };
}
