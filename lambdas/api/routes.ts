import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { IdempotencyKeyReusedError } from '../orders/errors.ts';
import { placeOrderSchema } from '../orders/order.ts';
import { getOrder, placeOrder } from '../orders/order-store.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { traceContextOf } from '../shared/trace-context.ts';
import { HttpProblem } from './http-problem.ts';
import { callerIdentity } from './identity.ts';
import type { OrderListReader } from './order-list.ts';
import { jsonResponse } from './problem-response.ts';
import { header, idempotencyKey, parseJsonBody, uuidPathParameter, validateBody } from './request.ts';

/** What the routes read and write: Postgres (authoritative) and the order view (eventual). */
export interface ApiDeps {
  db: () => Promise<SqlClient>;
  orderList: () => OrderListReader;
}

type Route = (deps: ApiDeps, event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** Orders per `GET /orders` page. */
export const listLimit = 50;

const postOrder: Route = async (deps, event) => {
  const identity = callerIdentity(event);
  const key = idempotencyKey(event);
  const body = parseJsonBody(event);
  // The customer is the token's, never the body's; a body that names someone else is refused, not rewritten.
  const named = (body as { customerId?: unknown } | null)?.customerId;
  if (named !== undefined && named !== identity.customerId)
    throw new HttpProblem(403, 'customer_mismatch', 'customerId must be your own (or left out)');
  const request = validateBody(
    typeof body === 'object' && body !== null ? { ...body, customerId: identity.customerId } : body,
    placeOrderSchema,
  );
  try {
    const { order, replayed } = await placeOrder(await deps.db(), request, {
      idempotencyKey: key,
      // Anything but a W3C traceparent is stored as null: an empty one would make the event poison downstream.
      traceContext: traceContextOf(header(event, 'traceparent')),
    });
    return jsonResponse(replayed ? 200 : 201, order, {
      location: `/orders/${order.id}`,
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
  } catch (error) {
    if (error instanceof IdempotencyKeyReusedError)
      throw new HttpProblem(
        422,
        'idempotency_key_reused',
        error.message,
        { orderId: error.orderId },
        { cause: error },
      );
    throw error;
  }
};

/** Authoritative (Postgres). Someone else's order is a 404, exactly like a missing one: no existence leak. */
const getOrderById: Route = async (deps, event) => {
  const identity = callerIdentity(event);
  const order = await getOrder(await deps.db(), uuidPathParameter(event, 'id'));
  if (!order || order.customerId !== identity.customerId)
    throw new HttpProblem(404, 'order_not_found', 'no such order');
  return jsonResponse(200, order, { 'cache-control': 'no-store' });
};

/** The caller's newest orders from the order view: eventually consistent, and says so. */
const listOrders: Route = async (deps, event) => {
  const identity = callerIdentity(event);
  const orders = await deps.orderList()(identity.customerId, listLimit);
  return jsonResponse(
    200,
    { orders, consistency: 'eventual', source: 'order-view' },
    { 'cache-control': 'no-store' },
  );
};

/** Route keys exactly as the HTTP API in `cdk/` declares them. */
export const routes: Record<string, Route> = {
  'POST /orders': postOrder,
  'GET /orders': listOrders,
  'GET /orders/{id}': getOrderById,
};
