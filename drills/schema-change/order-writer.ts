import { v7 as uuidv7 } from 'uuid';
import { contractPayload } from '../../lambdas/orders/event-payloads.ts';
import type { Order, OrderItem, PlaceOrder } from '../../lambdas/orders/order.ts';
import { orderTotalCents } from '../../lambdas/orders/order.ts';
import { orderPlacedEvent } from '../../lambdas/orders/order-events.ts';
import type { SqlClient, SqlExecutor, SqlParams } from '../../lambdas/shared/db/sql-client.ts';
import { initialShape, type TableShape } from './table-shape.ts';

/** An order as the app read it back inside the transaction that wrote it: what its events are built from. */
export type WrittenOrder = Pick<
  Order,
  'id' | 'customerId' | 'currency' | 'totalCents' | 'items' | 'version' | 'status'
>;

/**
 * The order store's write path (order + outbox row in one transaction, the payload built by the app and checked
 * against its published contract with the product's own `orderPlacedEvent` / `contractPayload`) for any shape of
 * `orders` the drill's migrations pass through. The product's order store (lambdas/orders/order-store.ts) knows the
 * production shape only; in production each `release` step of a migration is a deployment of code like this.
 */
export class OrderWriter {
  private current: TableShape = initialShape;
  private readonly inFlight = new Set<Promise<unknown>>();

  /** `api` places orders as the API's login; `consumer` confirms them as the payment consumer's, as in AWS. */
  constructor(private readonly logins: { api: SqlClient; consumer: SqlClient }) {}

  get shape(): TableShape {
    return this.current;
  }

  /** Switches the shape for new writes, then waits until every write begun under the old one has finished. */
  async release(change: Partial<TableShape>): Promise<void> {
    this.current = { ...this.current, ...change };
    await Promise.allSettled([...this.inFlight]);
  }

  /** `OrderPlaced`: the order row (and its lines where the shape keeps them) and the outbox row, atomically. */
  place(request: PlaceOrder): Promise<WrittenOrder> {
    const shape = this.current;
    return this.track(
      this.logins.api.transaction(async (tx) => {
        const id = uuidv7();
        await insertOrder(tx, shape, id, request);
        const order = await readOrder(tx, shape, id);
        const event = orderPlacedEvent(order, null);
        await insertEvent(tx, event.eventId, order, event.eventType, event.payload);
        return order;
      }),
    );
  }

  /** `OrderConfirmed` for a pending order: status and version in one guarded UPDATE, and the outbox row. */
  confirm(orderId: string, chargeId: string): Promise<WrittenOrder> {
    const shape = this.current;
    return this.track(
      this.logins.consumer.transaction(async (tx) => {
        const [row] = await tx.query<{ id: string }>(
          `UPDATE orders SET status = 'confirmed', version = version + 1, updated_at = now()
           WHERE id = :id::uuid AND status = 'pending' RETURNING id`,
          { id: orderId },
        );
        if (!row) throw new Error(`order ${orderId} was not pending`);
        const order = await readOrder(tx, shape, orderId);
        await insertEvent(tx, uuidv7(), order, 'OrderConfirmed', {
          orderId,
          status: 'confirmed',
          chargeId,
        });
        return order;
      }),
    );
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }
}

async function insertOrder(
  tx: SqlExecutor,
  shape: TableShape,
  id: string,
  request: PlaceOrder,
): Promise<void> {
  const values: Array<[column: string, value: string]> = [
    ['id', ':id::uuid'],
    ['total_cents', ':totalCents'],
    ...shape.customerWrite.map((column): [string, string] => [column, ':customerId::text']),
    ...shape.currencyWrite.map((column): [string, string] => [column, ':currency::text']),
    ...(shape.itemsWrite.includes('jsonb') ? [['items', ':items::jsonb'] as [string, string]] : []),
  ];
  const params: SqlParams = {
    id,
    totalCents: orderTotalCents(request.items),
    customerId: request.customerId,
    currency: request.currency,
    items: JSON.stringify(request.items),
  };
  const columns = values.map(([column]) => column).join(', ');
  await tx.query(`INSERT INTO orders (${columns}) VALUES (${values.map(([, v]) => v).join(', ')})`, params);
  if (shape.itemsWrite.includes('table'))
    await tx.query(
      `INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price_cents)
       SELECT :id::uuid, line.no, line.item->>'sku', (line.item->>'quantity')::int, (line.item->>'unitPriceCents')::bigint
       FROM jsonb_array_elements(:items::jsonb) WITH ORDINALITY AS line(item, no)`,
      params,
    );
}

/** The order in the domain's terms, whichever columns or table hold it now. */
async function readOrder(tx: SqlExecutor, shape: TableShape, id: string): Promise<WrittenOrder> {
  const items =
    shape.itemsRead === 'jsonb'
      ? 'o.items'
      : `(SELECT jsonb_agg(jsonb_build_object('sku', i.sku, 'quantity', i.quantity,
           'unitPriceCents', i.unit_price_cents) ORDER BY i.line_no) FROM order_items i WHERE i.order_id = o.id)`;
  const [row] = await tx.query<{
    id: string;
    customer: string;
    currency: string;
    total_cents: number;
    items: OrderItem[];
    version: number;
    status: Order['status'];
  }>(
    `SELECT o.id, o.${shape.customerRead} AS customer, o.${shape.currencyRead} AS currency, o.total_cents,
       ${items} AS items, o.version, o.status
     FROM orders o WHERE o.id = :id::uuid`,
    { id },
  );
  if (!row) throw new Error(`order ${id} not found right after writing it`);
  return {
    id: row.id,
    customerId: row.customer,
    currency: row.currency,
    totalCents: row.total_cents,
    items: row.items,
    version: row.version,
    status: row.status,
  };
}

async function insertEvent(
  tx: SqlExecutor,
  eventId: string,
  order: WrittenOrder,
  eventType: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await tx.query(
    `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, trace_context)
     VALUES (:eventId::uuid, 'order', :aggregateId, :sequence, :eventType, :payload::jsonb, NULL)`,
    {
      eventId,
      aggregateId: order.id,
      sequence: order.version,
      eventType,
      payload: JSON.stringify(contractPayload(eventType, payload)),
    },
  );
}
