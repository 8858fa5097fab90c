import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { SqlExecutor } from '../shared/db/sql-client.ts';
import { IdempotencyKeyReusedError } from './errors.ts';
import { contractPayload } from './event-payloads.ts';
import { type Order, type OrderItem, type OrderStatus, orderTotalCents, type PlaceOrder } from './order.ts';
import { orderPaymentRequested, orderPlacedEvent } from './order-events.ts';

interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  currency: string;
  total_cents: number;
  items: OrderItem[];
  version: number;
  request_hash: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const orderColumns =
  'id, customer_id, status, currency, total_cents, items, version, request_hash, created_at, updated_at';

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    currency: row.currency,
    totalCents: row.total_cents,
    items: row.items,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Stable hash of a validated request, to tell a retry from a different request under the same key. */
export function requestHash(request: PlaceOrder): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

export interface PlaceOrderOptions {
  idempotencyKey?: string | undefined;
  traceContext?: string | null | undefined;
}

export interface PlacedOrder {
  order: Order;
  /** True when an earlier request with the same idempotency key already created this order. */
  replayed: boolean;
}

// The order row, unless the customer's idempotency key already has one. ON CONFLICT waits for a request with
// the same key that is still committing, so two concurrent retries cannot both insert.
const insertOrderSql = `INSERT INTO orders (id, customer_id, currency, total_cents, items, idempotency_key, request_hash)
  VALUES (:id::uuid, :customerId, :currency, :totalCents, :items::jsonb, :idempotencyKey, :requestHash)
  ON CONFLICT (customer_id, idempotency_key) DO NOTHING
  RETURNING ${orderColumns}`;

// The order and its OrderPlaced outbox row in ONE statement — so in one transaction, atomically, and in one
// round trip (the outbox then costs one more row, not one more round trip; see the write-path bench). The
// event row is only written if the order row was. Exported for the write-path bench's variants.
export const placeOrderSql = `WITH new_order AS (${insertOrderSql}),
  event AS (
    INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, trace_context)
    SELECT :eventId::uuid, :aggregateType, id::text, version, :eventType, :payload::jsonb, :traceContext FROM new_order
  )
  SELECT * FROM new_order`;

function insertOrderParams(
  id: string,
  request: PlaceOrder,
  idempotencyKey: string | undefined,
  hash: string,
) {
  return {
    id,
    customerId: request.customerId,
    currency: request.currency,
    totalCents: orderTotalCents(request.items),
    items: JSON.stringify(request.items),
    idempotencyKey: idempotencyKey ?? null,
    requestHash: hash,
  };
}

/** The order row alone, no event: the write-path bench's baseline. Never use it to place real orders. */
export async function insertOrderWithoutEvent(
  db: SqlExecutor,
  request: PlaceOrder,
): Promise<Order | undefined> {
  const params = insertOrderParams(uuidv7(), request, undefined, requestHash(request));
  const [row] = await db.query<OrderRow>(insertOrderSql, params);
  return row ? toOrder(row) : undefined;
}

/** The parameters of `placeOrderSql` for one request: the new order's id, its event, and the request hash. */
export function placeOrderParams(request: PlaceOrder, options: PlaceOrderOptions = {}) {
  const hash = requestHash(request);
  const id = uuidv7();
  const params = insertOrderParams(id, request, options.idempotencyKey, hash);
  const event = orderPlacedEvent(
    {
      id,
      customerId: request.customerId,
      currency: request.currency,
      totalCents: params.totalCents,
      items: request.items,
      version: 1,
    },
    options.traceContext ?? null,
  );
  return {
    hash,
    params: {
      ...params,
      eventId: event.eventId,
      aggregateType: event.aggregateType,
      eventType: event.eventType,
      payload: JSON.stringify(contractPayload(event.eventType, event.payload)),
      traceContext: event.traceContext,
    },
  };
}

/**
 * Writes the order and its `OrderPlaced` outbox row atomically: both commit or neither does, so an order never
 * exists without its event. A repeated idempotency key returns the first order instead.
 */
export async function placeOrder(
  db: SqlExecutor,
  request: PlaceOrder,
  options: PlaceOrderOptions = {},
): Promise<PlacedOrder> {
  const { hash, params } = placeOrderParams(request, options);
  const [row] = await db.query<OrderRow>(placeOrderSql, params);
  if (row) return { order: toOrder(row), replayed: false };
  const [existing] = await db.query<OrderRow>(
    `SELECT ${orderColumns} FROM orders WHERE customer_id = :customerId AND idempotency_key = :idempotencyKey`,
    { customerId: request.customerId, idempotencyKey: options.idempotencyKey ?? null },
  );
  if (!existing) throw new Error('idempotency conflict without a matching order');
  if (existing.request_hash !== hash)
    throw new IdempotencyKeyReusedError(options.idempotencyKey ?? '', existing.id);
  return { order: toOrder(existing), replayed: true };
}

// A guarded change and its outbox event in one statement: the UPDATE only matches while the order is still in
// the expected state (and, when given, at the version the caller read), and the event (sequence = the new
// version) is only written if the row changed.
const transitionSql = `WITH changed AS (
    UPDATE orders SET status = :to, version = version + 1, updated_at = now()
    WHERE id = :id::uuid AND status = :from AND (:version::int IS NULL OR version = :version::int)
    RETURNING ${orderColumns}
  ),
  event AS (
    INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, trace_context)
    SELECT :eventId::uuid, 'order', id::text, version, :eventType, :payload::jsonb, :traceContext FROM changed
  )
  SELECT * FROM changed`;

/** A guarded state change and the outbox event it emits. */
export interface OrderTransition {
  orderId: string;
  from: OrderStatus;
  to: OrderStatus;
  eventType: string;
  payload: Record<string, unknown>;
  traceContext: string | null;
  /** The version the caller's decision was based on; the change is refused if the order moved since. */
  expectedVersion?: number;
}

/**
 * Moves an order `from` → `to` and writes `eventType` to the outbox, atomically. Undefined when the order was not
 * in `from` any more (someone else moved it first): the caller reads the order to see where it stands.
 */
export async function transitionOrder(db: SqlExecutor, change: OrderTransition): Promise<Order | undefined> {
  const [row] = await db.query<OrderRow>(transitionSql, {
    id: change.orderId,
    version: change.expectedVersion ?? null,
    from: change.from,
    to: change.to,
    eventId: uuidv7(),
    eventType: change.eventType,
    payload: JSON.stringify(
      contractPayload(change.eventType, { orderId: change.orderId, status: change.to, ...change.payload }),
    ),
    traceContext: change.traceContext,
  });
  return row ? toOrder(row) : undefined;
}

export async function getOrder(db: SqlExecutor, id: string): Promise<Order | undefined> {
  const [row] = await db.query<OrderRow>(`SELECT ${orderColumns} FROM orders WHERE id = :id::uuid`, { id });
  return row ? toOrder(row) : undefined;
}

/** Where a page of pending orders ended: the next page starts after it, in (createdAt, id) order. */
export interface PendingCursor {
  createdAt: string;
  id: string;
}

/** A pending order as the reconciler sees it: with when its payment was last asked for again. */
export interface StuckOrder extends Order {
  paymentRequestedAt: string | null;
}

/**
 * Orders still `pending` that were placed before `olderThan`, oldest first, after `cursor` (the reconciler's work
 * list, read in pages so that orders it cannot resolve never hide newer ones; `orders_pending_idx` serves it).
 */
export async function pendingOrdersBefore(
  db: SqlExecutor,
  olderThan: Date,
  limit: number,
  cursor?: PendingCursor,
): Promise<StuckOrder[]> {
  const rows = await db.query<OrderRow & { payment_requested_at: Date | string | null }>(
    `SELECT ${orderColumns}, payment_requested_at FROM orders
     WHERE status = 'pending' AND created_at < :olderThan::timestamptz
       AND (:afterCreatedAt::timestamptz IS NULL OR (created_at, id) > (:afterCreatedAt::timestamptz, :afterId::uuid))
     ORDER BY created_at, id LIMIT :limit`,
    {
      olderThan: olderThan.toISOString(),
      limit,
      afterCreatedAt: cursor?.createdAt ?? null,
      afterId: cursor?.id ?? null,
    },
  );
  return rows.map((row) => ({
    ...toOrder(row),
    paymentRequestedAt: row.payment_requested_at ? new Date(row.payment_requested_at).toISOString() : null,
  }));
}

const requestPaymentSql = `WITH asked AS (
    UPDATE orders SET payment_requested_at = now()
    WHERE id = :id::uuid AND status = 'pending'
      AND (payment_requested_at IS NULL OR payment_requested_at < now() - make_interval(secs => :intervalSeconds))
    RETURNING id, customer_id, currency, total_cents, items, version
  ),
  event AS (
    INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, trace_context)
    SELECT :eventId::uuid, 'order', id::text, version, :eventType,
      jsonb_build_object('orderId', id, 'customerId', customer_id, 'currency', currency,
        'totalCents', total_cents, 'items', items, 'reason', 'reconcile'), NULL
    FROM asked
  )
  SELECT id FROM asked`;

/**
 * Asks again for the payment of a pending order (`OrderPaymentRequested`, routed to the payment consumer only),
 * at most once per `intervalSeconds`, atomically with the marker that enforces it. The event keeps the order's
 * version as its sequence: it changes nothing about the order. One charge per order still holds, because the
 * gateway's idempotency key is the order id. False when the order moved on or was asked for recently.
 */
export async function requestPayment(
  db: SqlExecutor,
  orderId: string,
  intervalSeconds: number,
): Promise<boolean> {
  const rows = await db.query(requestPaymentSql, {
    id: orderId,
    intervalSeconds,
    eventId: uuidv7(),
    eventType: orderPaymentRequested,
  });
  return rows.length > 0;
}
