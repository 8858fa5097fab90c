import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { SqlClient, SqlExecutor } from '../shared/db/sql-client.ts';
import { IdempotencyKeyReusedError } from './errors.ts';
import { type Order, type OrderItem, type OrderStatus, orderTotalCents, type PlaceOrder } from './order.ts';
import { type OutboxEvent, orderPlacedEvent } from './order-events.ts';

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

export async function insertOutboxEvent(tx: SqlExecutor, event: OutboxEvent): Promise<void> {
  await tx.query(
    `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, trace_context)
     VALUES (:eventId::uuid, :aggregateType, :aggregateId, :sequence, :eventType, :payload::jsonb, :traceContext)`,
    {
      eventId: event.eventId,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      sequence: event.sequence,
      eventType: event.eventType,
      payload: JSON.stringify(event.payload),
      traceContext: event.traceContext,
    },
  );
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

/**
 * Writes the order and its `OrderPlaced` outbox row in ONE transaction: both commit or neither does, so an
 * order never exists without its event. A repeated idempotency key returns the first order instead.
 */
export async function placeOrder(
  db: SqlClient,
  request: PlaceOrder,
  options: PlaceOrderOptions = {},
): Promise<PlacedOrder> {
  const hash = requestHash(request);
  return db.transaction(async (tx) => {
    const inserted = await tx.query<OrderRow>(
      `INSERT INTO orders (id, customer_id, currency, total_cents, items, idempotency_key, request_hash)
       VALUES (:id::uuid, :customerId, :currency, :totalCents, :items::jsonb, :idempotencyKey, :requestHash)
       ON CONFLICT (customer_id, idempotency_key) DO NOTHING
       RETURNING ${orderColumns}`,
      {
        id: uuidv7(),
        customerId: request.customerId,
        currency: request.currency,
        totalCents: orderTotalCents(request.items),
        items: JSON.stringify(request.items),
        idempotencyKey: options.idempotencyKey ?? null,
        requestHash: hash,
      },
    );
    const row = inserted[0];
    if (row) {
      const order = toOrder(row);
      await insertOutboxEvent(tx, orderPlacedEvent(order, options.traceContext ?? null));
      return { order, replayed: false };
    }
    // The key was used before (possibly by a request still committing: ON CONFLICT waited for it).
    const [existing] = await tx.query<OrderRow>(
      `SELECT ${orderColumns} FROM orders WHERE customer_id = :customerId AND idempotency_key = :idempotencyKey`,
      { customerId: request.customerId, idempotencyKey: options.idempotencyKey ?? null },
    );
    if (!existing) throw new Error('idempotency conflict without a matching order');
    if (existing.request_hash !== hash)
      throw new IdempotencyKeyReusedError(options.idempotencyKey ?? '', existing.id);
    return { order: toOrder(existing), replayed: true };
  });
}

export async function getOrder(db: SqlExecutor, id: string): Promise<Order | undefined> {
  const [row] = await db.query<OrderRow>(`SELECT ${orderColumns} FROM orders WHERE id = :id::uuid`, { id });
  return row ? toOrder(row) : undefined;
}
