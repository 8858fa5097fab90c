import { z } from 'zod';
import { CHARGES_PATH, IDEMPOTENCY_KEY_HEADER, PROVIDER_TIMEOUT_MS } from '../../providers/contract.ts';
import { logExcerpt } from '../../shared/log-excerpt.ts';
import { ChargeRejectedError, GatewayProtocolError, GatewayUnavailableError } from '../errors.ts';

/** The only answers that settle an order. Anything else leaves it pending (GatewayProtocolError → retried). */
const chargeSchema = z.object({
  chargeId: z.string().min(1),
  status: z.enum(['succeeded', 'declined']),
});

export type Charge = z.infer<typeof chargeSchema>;

/**
 * Asks the payment gateway to charge an order. The idempotency key is the order id: one charge per order, ever.
 * `timeoutMs` bounds the whole call (connect, answer and body), well inside the consumer's own timeout.
 */
export async function chargeOrder(
  gatewayUrl: string,
  order: { orderId: string; amountCents: number; currency: string },
  timeoutMs = PROVIDER_TIMEOUT_MS,
): Promise<Charge> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${gatewayUrl}${CHARGES_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: order.orderId },
      body: JSON.stringify(order),
      signal,
    });
    text = await response.text();
  } catch (error) {
    throw new GatewayUnavailableError(order.orderId, undefined, { cause: error });
  }
  if (response.status >= 500) throw new GatewayUnavailableError(order.orderId, response.status);
  // The body goes into the error message and the log: only its start.
  if (!response.ok) throw new ChargeRejectedError(order.orderId, response.status, logExcerpt(text));
  return readCharge(order.orderId, text);
}

/** A 2xx body as a charge, or GatewayProtocolError saying what was wrong with it. */
export function readCharge(orderId: string, text: string): Charge {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GatewayProtocolError(orderId, `body is not JSON: ${text.slice(0, 80)}`, { cause: error });
  }
  const parsed = chargeSchema.safeParse(json);
  if (!parsed.success)
    throw new GatewayProtocolError(
      orderId,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
      { cause: parsed.error },
    );
  return parsed.data;
}
