import { type Charge, chargeOrder } from '../consumers/payment/charge-client.ts';
import type { GatewayRecord } from '../reconcile/decide.ts';
import { lookUpCharge } from '../reconcile/gateway-lookup.ts';
import { PROVIDER_TIMEOUT_MS } from './contract.ts';

/** What the payment consumer asks to be charged. The order id is the idempotency key: one charge per order. */
export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  currency: string;
}

/**
 * The payment gateway, as the payment consumer and the reconciler use it. Errors are classed as the failure policy
 * reads them (lambdas/consumers/errors.ts): unreachable, 5xx, 408/429 or an unreadable answer is the gateway being
 * unavailable (retried for the outage budget, the key making a repeat safe); any other 4xx is permanent.
 */
export interface PaymentProvider {
  /** Charges the order once; a repeat with the same order id answers the first charge. */
  charge(request: ChargeRequest): Promise<Charge>;
  /** The charge made under the order id, if any: the reconciler's authoritative record. */
  lookUp(orderId: string): Promise<GatewayRecord>;
}

/** The payment gateway over the HTTP contract (`POST /charges`, `GET /charges?idempotencyKey=`) at `baseUrl`. */
export function httpPaymentProvider(baseUrl: string, timeoutMs = PROVIDER_TIMEOUT_MS): PaymentProvider {
  return {
    charge: (request) => chargeOrder(baseUrl, request, timeoutMs),
    lookUp: (orderId) => lookUpCharge(baseUrl, orderId, timeoutMs),
  };
}
