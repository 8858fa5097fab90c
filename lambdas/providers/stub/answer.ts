import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CHARGES_PATH, IDEMPOTENCY_KEY_HEADER, MESSAGES_PATH, RESERVATIONS_PATH } from '../contract.ts';

/**
 * The stub providers (`-c providers=stub`): the payment gateway, the warehouse and the mail provider of a sandbox,
 * one small function behind one URL, speaking the contract of docs/providers.md. Stateless on purpose, so it needs
 * no table: a charge is derived from its idempotency key, so a repeat answers the same charge; it keeps no record,
 * so a look-up finds none and the reconciler re-drives the payment, which the stub then answers the same way.
 * Nothing is charged, reserved or sent: each request is only logged.
 */

/** The prefix of each provider's base URL under the function URL. */
export const STUB_PREFIXES = {
  paymentGatewayUrl: '/payment',
  inventoryServiceUrl: '/inventory',
  notificationServiceUrl: '/notifications',
} as const;

/** A charge of this many cents is declined, like a payment sandbox's magic amounts; every other one succeeds. */
export const STUB_DECLINED_AMOUNT_CENTS = 402;

export interface StubRequest {
  method: string;
  path: string;
  /** Header names lower-case. */
  headers: Record<string, string | undefined>;
  body: string;
}

export interface StubAnswer {
  status: number;
  body: Record<string, unknown>;
  /** What the request was, for the log line; absent for a refused request. */
  effect?: 'charge' | 'lookup' | 'reservation' | 'message';
}

const chargeRequest = z.object({
  orderId: z.string().min(1),
  amountCents: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
const effectRequest = z.object({ orderId: z.string().min(1), eventId: z.string().min(1) }).loose();

const refuse = (status: number, error: string): StubAnswer => ({ status, body: { error } });

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body || '{}');
  } catch {
    return undefined;
  }
}

/** The charge id a key always gets: the same key, the same charge. */
export function stubChargeId(idempotencyKey: string): string {
  return `ch_stub_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`;
}

/** Answers one request. Pure: no clock, no state, no I/O. */
export function answer(request: StubRequest): StubAnswer {
  const { method, path } = request;
  const key = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (path === STUB_PREFIXES.paymentGatewayUrl + CHARGES_PATH) {
    if (method === 'GET') return { status: 404, body: { error: 'charge_not_found' }, effect: 'lookup' };
    if (method !== 'POST') return refuse(405, 'method_not_allowed');
    if (!key) return refuse(400, 'idempotency_key_required');
    const charge = chargeRequest.safeParse(parseJson(request.body));
    if (!charge.success) return refuse(400, 'invalid_charge');
    const { orderId, amountCents, currency } = charge.data;
    const status = amountCents === STUB_DECLINED_AMOUNT_CENTS ? 'declined' : 'succeeded';
    return {
      status: 201,
      body: { chargeId: stubChargeId(key), status, orderId, amountCents, currency },
      effect: 'charge',
    };
  }
  const effect =
    path === STUB_PREFIXES.inventoryServiceUrl + RESERVATIONS_PATH
      ? 'reservation'
      : path === STUB_PREFIXES.notificationServiceUrl + MESSAGES_PATH
        ? 'message'
        : undefined;
  if (effect === undefined) return refuse(404, 'not_found');
  if (method !== 'POST') return refuse(405, 'method_not_allowed');
  if (!effectRequest.safeParse(parseJson(request.body)).success)
    return refuse(400, 'orderId and eventId are required');
  return { status: 201, body: { result: 'created' }, effect };
}
