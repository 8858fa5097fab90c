import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { IdempotencyKeyReusedError } from '../orders/errors.ts';
import { placeOrderSchema } from '../orders/order.ts';
import { getOrder, placeOrder } from '../orders/order-store.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { HttpProblem } from './http-problem.ts';
import { jsonResponse } from './problem-response.ts';
import { header, idempotencyKey, parseJsonBody, uuidPathParameter } from './request.ts';

type Route = (db: SqlClient, event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const postOrder: Route = async (db, event) => {
  const key = idempotencyKey(event);
  const request = parseJsonBody(event, placeOrderSchema);
  try {
    const { order, replayed } = await placeOrder(db, request, {
      idempotencyKey: key,
      traceContext: header(event, 'traceparent') ?? null,
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

const getOrderById: Route = async (db, event) => {
  const order = await getOrder(db, uuidPathParameter(event, 'id'));
  if (!order) throw new HttpProblem(404, 'order_not_found', 'no such order');
  return jsonResponse(200, order);
};

/** Route keys exactly as the HTTP API in `cdk/` declares them. */
export const routes: Record<string, Route> = {
  'POST /orders': postOrder,
  'GET /orders/{id}': getOrderById,
};
