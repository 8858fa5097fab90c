import type { Order } from './orders.ts';
import { type FailedAttempt, isRetryable, parseRetryAfter } from './retry-policy.ts';

/**
 * An HTTP failure with the server's problem code, when it sent one, and its Retry-After (a 503 while the order
 * store is down). `retryable` = network error or 5xx.
 */
export class ApiError extends Error implements FailedAttempt {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return isRetryable(this);
  }
}

async function request<T>(token: string | null, path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: {
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...init.headers,
      },
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, 'network', `network error: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as {
    error?: { code: string; message: string };
    message?: string;
  };
  if (!response.ok)
    throw new ApiError(
      response.status,
      body.error?.code ?? String(response.status),
      body.error?.message ?? body.message ?? response.statusText,
      parseRetryAfter(response.headers.get('retry-after')),
    );
  return body as T;
}

export interface NewOrder {
  currency: string;
  items: Array<{ sku: string; quantity: number; unitPriceCents: number }>;
}

/** One POST; the caller retries with the SAME key, so a retry after a lost answer returns the first order. */
export const placeOrder = (token: string, order: NewOrder, idempotencyKey: string) =>
  request<Order>(token, '/orders', {
    method: 'POST',
    body: JSON.stringify(order),
    headers: { 'idempotency-key': idempotencyKey },
  });

export const listOrders = (token: string) =>
  request<{ orders: Order[]; consistency: string }>(token, '/orders');

export const getOrder = (token: string, id: string) => request<Order>(token, `/orders/${id}`);

export const devLogin = (customerId: string, role: 'customer' | 'oncall') =>
  request<{ token: string; customerId: string; role: string }>(null, '/auth/dev-login', {
    method: 'POST',
    body: JSON.stringify({ customerId, role }),
  });

export interface GaugeAlarm {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason: string;
  updatedAt: string | null;
  threshold: number | null;
  comparison: string | null;
}

/** A line on a gauge's chart: an alarm threshold (shared by `alarms`), or the slot cap. */
export interface GaugeThreshold {
  value: number;
  kind: 'alarm' | 'cap';
  comparison: string;
  firing: boolean;
  alarms: string[];
}

export interface Gauge {
  id: string;
  title: string;
  unit: 'Seconds' | 'Count' | 'Milliseconds' | 'Bytes';
  value: number | null;
  cap: number | null;
  capShare: number | null;
  series: Array<{ metricName: string; dimensions: Record<string, string>; value: number; at: string }>;
  thresholds: GaugeThreshold[];
  alarms: GaugeAlarm[];
  state: GaugeAlarm['state'] | 'NO_ALARM';
  runbook: string;
  /** The last hour as an SVG chart, rendered by the API (Vega), with a rule per threshold. */
  chart: string;
}

export interface GaugePanel {
  generatedAt: string;
  /** What the charts cover: the last hour in AWS, in `periodSeconds` steps. */
  range: { from: string; to: string; periodSeconds: number };
  gauges: Gauge[];
}

export const onCallGauges = (token: string) => request<GaugePanel>(token, '/oncall/gauges');
