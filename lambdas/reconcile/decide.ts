import type { Order } from '../orders/order.ts';
import { paymentTransition, type Transition } from '../orders/order-state.ts';

/** What the gateway knows about an order's charge, looked up by its idempotency key (the order id). */
export type GatewayRecord =
  | { found: false }
  | { found: true; chargeId: string; status: 'succeeded' | 'declined' };

/** The reason a given-up order carries, for the customer and for support. */
export const couldNotBeProcessed = 'could not be processed';

export type Resolution =
  /** The gateway has the answer the consumer never recorded: apply it (guarded) and emit the missing event. */
  | { kind: 'resolve'; transition: Transition; chargeId: string }
  /** No charge, and none asked for recently: ask for the payment again (an event for the payment consumer). */
  | { kind: 'redrive' }
  /** No charge, and a payment was asked for within the re-drive interval: it may still be on its way. */
  | { kind: 'no-charge' }
  /** No charge past the final deadline: the order fails with a reason the customer sees, never pends forever. */
  | { kind: 'give-up'; transition: Transition; reason: string }
  /** Someone settled it since the query: nothing to do. */
  | { kind: 'already-settled' };

export interface DecideOptions {
  now: Date;
  /** An order with no charge is re-driven at most this often. */
  redriveIntervalSeconds: number;
  /** An order still without a charge this long after it was placed is given up on. */
  giveUpAfterSeconds: number;
}

/**
 * How the reconciler resolves a stuck order. A charge at the gateway is authoritative: it is applied as it is.
 * Without one, the order's payment is asked for again (the gateway's idempotency key is the order id, so a second
 * request can never make a second charge), and only past the final deadline — longer than the consumers' outage
 * budget, so no message can still be trying — does the order fail with a reason. It never moves a settled order,
 * since every transition here starts from `pending`.
 */
export function decide(
  order: Pick<Order, 'status' | 'createdAt'> & { paymentRequestedAt?: string | null },
  gateway: GatewayRecord,
  options: DecideOptions,
): Resolution {
  if (order.status !== 'pending') return { kind: 'already-settled' };
  if (gateway.found) {
    const transition = paymentTransition(order.status, gateway.status);
    if (!transition) return { kind: 'already-settled' };
    return { kind: 'resolve', transition, chargeId: gateway.chargeId };
  }
  const now = options.now.getTime();
  if (now - Date.parse(order.createdAt) >= options.giveUpAfterSeconds * 1000)
    return {
      kind: 'give-up',
      transition: { from: 'pending', to: 'payment_failed', eventType: 'OrderPaymentFailed' },
      reason: couldNotBeProcessed,
    };
  const lastAsked = order.paymentRequestedAt ? Date.parse(order.paymentRequestedAt) : undefined;
  if (lastAsked !== undefined && now - lastAsked < options.redriveIntervalSeconds * 1000)
    return { kind: 'no-charge' };
  return { kind: 'redrive' };
}
