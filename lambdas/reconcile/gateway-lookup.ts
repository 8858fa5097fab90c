import type { GatewayRecord } from './decide.ts';
import { GatewayLookupError } from './errors.ts';

/** `GET /charges?idempotencyKey=<orderId>`: the charge the consumer made under that key, or 404 if none. */
export async function lookUpCharge(
  gatewayUrl: string,
  orderId: string,
  timeoutMs = 5000,
): Promise<GatewayRecord> {
  let response: Response;
  try {
    response = await fetch(`${gatewayUrl}/charges?idempotencyKey=${encodeURIComponent(orderId)}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new GatewayLookupError(orderId, undefined, { cause: error });
  }
  if (response.status === 404) return { found: false };
  if (!response.ok) throw new GatewayLookupError(orderId, response.status);
  const charge = (await response.json()) as { chargeId: string; status: 'succeeded' | 'declined' };
  return { found: true, chargeId: charge.chargeId, status: charge.status };
}
