import { logExcerpt } from '../../shared/log-excerpt.ts';
import { ChargeRejectedError, GatewayUnavailableError } from '../errors.ts';

export interface Charge {
  chargeId: string;
  status: 'succeeded' | 'declined';
}

/** Asks the payment gateway to charge an order. The idempotency key is the order id: one charge per order, ever. */
export async function chargeOrder(
  gatewayUrl: string,
  order: { orderId: string; amountCents: number; currency: string },
  timeoutMs = 5000,
): Promise<Charge> {
  let response: Response;
  try {
    response = await fetch(`${gatewayUrl}/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': order.orderId },
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new GatewayUnavailableError(order.orderId, undefined, { cause: error });
  }
  if (response.status >= 500) throw new GatewayUnavailableError(order.orderId, response.status);
  // The body goes into the error message and the log: only its start.
  if (!response.ok)
    throw new ChargeRejectedError(order.orderId, response.status, logExcerpt(await response.text()));
  return (await response.json()) as Charge;
}
