import type { Order, PlaceOrder } from '../../lambdas/orders/order.ts';
import { devAuthHeaders } from '../../localstack/stand-ins/auth/dev-token.ts';
import { parseRetryAfter } from '../../web/src/retry-policy.ts';
import { ApiError } from './errors.ts';

/** A new order as a customer sends it: the customer is the token's (the API refuses a body naming another). */
export type NewOrder = Omit<PlaceOrder, 'customerId'>;

/** `GET /orders`: the customer's newest orders from the order view, eventually consistent (lambdas/api/routes.ts). */
export interface OrderList {
  orders: Order[];
  consistency: 'eventual';
  source: 'order-view';
}

export interface Placed {
  order: Order;
  /** The API answered 200 with the order an earlier request under the same Idempotency-Key created (not 201). */
  replayed: boolean;
}

export interface ApiClientOptions {
  /** Bound on each request; default none (fetch's own). */
  timeoutMs?: number;
}

export interface ApiClient {
  /** `POST /orders`; without an idempotency key every call is a new order. */
  place(order: NewOrder, options?: { idempotencyKey?: string }): Promise<Placed>;
  /** `GET /orders/{id}`, authoritative (Postgres). Someone else's order is a 404 like a missing one. */
  get(id: string): Promise<Order>;
  /** `GET /orders`. */
  list(): Promise<OrderList>;
}

/**
 * The order API as one customer, with a dev token signed by the local key. Anything but a 2xx is an `ApiError`
 * carrying the status (0: no answer) and the body, so a caller can count statuses or retry as it needs.
 */
export function apiClient(apiUrl: string, customerId: string, options: ApiClientOptions = {}): ApiClient {
  // Signed once, on first use: the factory stays synchronous and every request reuses the token.
  let token: Promise<{ authorization: string }> | undefined;
  const authHeaders = () => {
    token ??= devAuthHeaders(customerId);
    return token;
  };
  const call = async <T>(
    method: 'GET' | 'POST',
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T }> => {
    const request = `${method} ${path}`;
    const auth = await authHeaders();
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...auth,
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
      });
      // Inside the try: a body cut off (or timed out) half-way is no answer either.
      text = await response.text();
    } catch (error) {
      throw new ApiError(request, 0, '', { cause: error });
    }
    if (!response.ok)
      throw new ApiError(request, response.status, text, {
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      });
    return { status: response.status, body: JSON.parse(text) as T };
  };
  return {
    place: async (order, { idempotencyKey } = {}) => {
      const { status, body } = await call<Order>('POST', '/orders', {
        body: order,
        headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
      });
      return { order: body, replayed: status === 200 };
    },
    get: async (id) => (await call<Order>('GET', `/orders/${id}`)).body,
    list: async () => (await call<OrderList>('GET', '/orders')).body,
  };
}

/**
 * For polls that try again: an answer that is an HTTP error reads as "not yet" (undefined); no answer at all still
 * throws. `client.get(id).catch(undefinedOnHttpError)`.
 */
export function undefinedOnHttpError(error: unknown): undefined {
  if (error instanceof ApiError && error.status > 0) return undefined;
  throw error;
}

/** One unit of `sku` at `unitPriceCents`, in USD: the order most drills place. */
export function oneItemOrder(sku: string, unitPriceCents: number): NewOrder {
  return { currency: 'USD', items: [{ sku, quantity: 1, unitPriceCents }] };
}
