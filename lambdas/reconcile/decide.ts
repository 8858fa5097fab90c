import type { Order } from '../orders/order.ts';
import { paymentTransition, type Transition } from '../orders/order-state.ts';

/** What the gateway knows about an order's charge, looked up by its idempotency key (the order id). */
export type GatewayRecord =
  | { found: false }
  | { found: true; chargeId: string; status: 'succeeded' | 'declined' };

export type Resolution =
  /** The gateway has the answer the consumer never recorded: apply it (guarded) and emit the missing event. */
  | { kind: 'resolve'; transition: Transition; chargeId: string }
  /** No charge yet: the payment message may still be on its way (or parked in the DLQ). Leave it, count it. */
  | { kind: 'no-charge' }
  /** Someone settled it since the query: nothing to do. */
  | { kind: 'already-settled' };

/**
 * How the reconciler resolves a stuck order: only from the gateway's authoritative record. It never invents an
 * outcome (no charge → it waits; a human sees it in the stuck count), never charges, and never moves a settled
 * order, since `paymentTransition` only moves `pending`.
 */
export function decide(order: Pick<Order, 'status'>, gateway: GatewayRecord): Resolution {
  if (order.status !== 'pending') return { kind: 'already-settled' };
  if (!gateway.found) return { kind: 'no-charge' };
  const transition = paymentTransition(order.status, gateway.status);
  if (!transition) return { kind: 'already-settled' };
  return { kind: 'resolve', transition, chargeId: gateway.chargeId };
}
