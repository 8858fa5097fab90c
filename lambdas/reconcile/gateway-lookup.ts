import { readCharge } from '../consumers/payment/charge-client.ts';
import { CHARGES_PATH, PROVIDER_TIMEOUT_MS } from '../providers/contract.ts';
import type { GatewayRecord } from './decide.ts';
import { GatewayLookupError } from './errors.ts';

/** `GET /charges?idempotencyKey=<orderId>`: the charge the consumer made under that key, or 404 if none. */
export async function lookUpCharge(
  gatewayUrl: string,
  orderId: string,
  timeoutMs = PROVIDER_TIMEOUT_MS,
): Promise<GatewayRecord> {
  let response: Response;
  try {
    response = await fetch(`${gatewayUrl}${CHARGES_PATH}?idempotencyKey=${encodeURIComponent(orderId)}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new GatewayLookupError(orderId, undefined, { cause: error });
  }
  if (response.status === 404) return { found: false };
  if (!response.ok) throw new GatewayLookupError(orderId, response.status);
  try {
    const charge = readCharge(orderId, await response.text());
    return { found: true, chargeId: charge.chargeId, status: charge.status };
  } catch (error) {
    // An answer we cannot read settles nothing: the order stays stuck and is looked up again next run.
    throw new GatewayLookupError(orderId, response.status, { cause: error });
  }
}
