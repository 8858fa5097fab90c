import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import { insertOrderWithoutEvent } from '../../lambdas/orders/order-store.ts';
import type { SqlExecutor } from '../../lambdas/shared/db/sql-client.ts';
import type { RunContext } from '../kit/context.ts';
import { type Change, currentItems, type Item, type Op, POLL_MS, watch } from './view.ts';

/** Between two changes: a steady trickle, so each change is timed on its own rather than queued behind a burst. */
export const PACE_MS = 15;

/** The drill's connections: orders are made by the order store (app role); updates and deletes as the owner. */
export interface Writers {
  /** The app role's pool, for the order store. */
  orders: SqlExecutor;
  /** The owner connection: UPDATE, the before-image read and DELETE (the app role may not delete). */
  db: pg.Client;
}

/** Order i of the workload: seven customers, one line whose quantity and price vary with i. */
export function orderRequest(i: number): PlaceOrder {
  return {
    customerId: `drill-${i % 7}`,
    currency: 'EUR',
    items: [{ sku: `SKU-${i}`, quantity: 1 + (i % 3), unitPriceCents: 1000 + i }],
  };
}

/**
 * One order row through the order store, without an OrderPlaced event (as this drill always wrote them): the
 * subject is the `orders` capture, and an event would wake the consumers, which would then move the very orders
 * whose versions and before-images the drill checks.
 */
async function insertOrder(orders: SqlExecutor, request: PlaceOrder): Promise<string> {
  const order = await insertOrderWithoutEvent(orders, request);
  if (!order) throw new Error('the order store wrote no order row');
  return order.id;
}

/**
 * Commits the workload one autocommit statement at a time (inserts, then updates, then deletes), while a
 * watcher polls the view (consistent BatchGet every POLL_MS) and stamps each change when its state shows.
 * Each order's row is read just before its delete: the before-image the history item must keep.
 */
export async function writeAndWatch(
  ctx: RunContext,
  writers: Writers,
  doc: DynamoDBDocumentClient,
  tableName: string,
  orders: number,
) {
  const { db } = writers;
  const ids: string[] = [];
  const changes: Change[] = [];
  const beforeImages = new Map<string, Item>();
  let writing = true;
  const watcher = watch(doc, tableName, changes, () => writing, ctx.quick ? 60_000 : 120_000);
  const indexes = Array.from({ length: orders }, (_, i) => i);
  const updated = indexes.filter((i) => i % 2 === 0).length;
  const deleted = indexes.filter((i) => i % 8 < 2).length;
  const bar = ctx.progress('cdc-view changes', orders + updated + deleted);
  const record = async (op: Op, orderId: string, version: number) => {
    changes.push({ seq: changes.length + 1, op, orderId, version, committedAt: Date.now() });
    bar.tick();
    await sleep(PACE_MS);
  };
  try {
    for (const i of indexes) {
      const id = await insertOrder(writers.orders, orderRequest(i));
      ids.push(id);
      await record('insert', id, 1);
    }
    // Every other order moves on a version; every fourth is deleted (half of those after an update).
    for (const [i, id] of ids.entries()) {
      if (i % 2 !== 0) continue;
      const { rows } = await db.query<{ version: string }>(
        `UPDATE orders SET status = 'confirmed', version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING version`,
        [id],
      );
      await record('update', id, Number(rows[0]?.version));
    }
    for (const [i, id] of ids.entries()) {
      if (i % 8 >= 2) continue;
      const { rows } = await db.query<{ row: Item }>(
        'SELECT to_jsonb(o) AS row FROM orders o WHERE id = $1',
        [id],
      );
      beforeImages.set(id, rows[0]?.row ?? {});
      await db.query('DELETE FROM orders WHERE id = $1', [id]);
      await record('delete', id, 0);
    }
  } finally {
    writing = false;
    bar.done();
  }
  await watcher;
  return { changes, beforeImages };
}

/** Inserts one order and waits (≤60 s) until the view shows it; returns how long that took. */
export async function warmUp(
  orders: SqlExecutor,
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<number> {
  // Its own customer and line: not one of the workload's orders.
  const id = await insertOrder(orders, {
    customerId: 'drill-warm-up',
    currency: 'EUR',
    items: [{ sku: 'SKU-WARM-UP', quantity: 1, unitPriceCents: 999 }],
  });
  const committedAt = Date.now();
  while (Date.now() - committedAt < 60_000) {
    if ((await currentItems(doc, tableName, [id])).has(id)) return Date.now() - committedAt;
    await sleep(POLL_MS);
  }
  throw new Error('the warm-up order did not reach the view within 60 s');
}
