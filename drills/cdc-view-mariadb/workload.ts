import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type MariaDbLogin,
  mariaDbJsonRows,
  mariaDbQuery,
  sqlString,
} from '../../localstack/processes/mariadb/client.ts';
import type { MariaDbLogins } from '../../localstack/processes/mariadb/database.ts';
import { insertMariaDbOrder } from '../../localstack/processes/mariadb/orders.ts';
import { type Change, currentItems, type Item, type Op, POLL_MS, watch } from '../cdc-view/view.ts';
import { orderRequest, PACE_MS } from '../cdc-view/workload.ts';
import type { RunContext } from '../kit/context.ts';

/** Every column of a MariaDB order as the JSON Debezium writes (timestamps as ISO-8601 UTC with microseconds). */
export const ROW_JSON = `JSON_OBJECT(
  'id', id, 'customer_id', customer_id, 'status', status, 'currency', currency, 'total_cents', total_cents,
  'items', items, 'version', version, 'idempotency_key', idempotency_key, 'request_hash', request_hash,
  'created_at', DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ'),
  'updated_at', DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%fZ'),
  'payment_requested_at', DATE_FORMAT(payment_requested_at, '%Y-%m-%dT%H:%i:%s.%fZ'))`;

/**
 * The cdc-view workload against MariaDB: N inserts as the app user, then every other order updated (status,
 * version + 1) and every fourth deleted (half of them after an update) as the admin, one autocommit statement
 * every ~15 ms, while the view is polled. Each row is read just before its DELETE: the before-image to check.
 */
export async function writeAndWatch(
  ctx: RunContext,
  logins: MariaDbLogins,
  doc: DynamoDBDocumentClient,
  tableName: string,
  orders: number,
) {
  const ids: string[] = [];
  const changes: Change[] = [];
  const beforeImages = new Map<string, Item>();
  let writing = true;
  const watcher = watch(doc, tableName, changes, () => writing, ctx.quick ? 60_000 : 120_000);
  const indexes = Array.from({ length: orders }, (_, i) => i);
  const bar = ctx.progress(
    'cdc-view-mariadb changes',
    orders + Math.ceil(orders / 2) + Math.ceil(orders / 4),
  );
  const record = async (op: Op, orderId: string, version: number) => {
    changes.push({ seq: changes.length + 1, op, orderId, version, committedAt: Date.now() });
    bar.tick();
    await sleep(PACE_MS);
  };
  try {
    for (const i of indexes) {
      const id = await insertMariaDbOrder(logins.app, orderRequest(i));
      ids.push(id);
      await record('insert', id, 1);
    }
    for (const [i, id] of ids.entries()) {
      if (i % 2 !== 0) continue;
      const [[version]] = (await mariaDbQuery(
        logins.admin,
        `UPDATE orders SET status = 'confirmed', version = version + 1, updated_at = CURRENT_TIMESTAMP(6)
         WHERE id = ${sqlString(id)}; SELECT version FROM orders WHERE id = ${sqlString(id)}`,
      )) as [[string]];
      await record('update', id, Number(version));
    }
    for (const [i, id] of ids.entries()) {
      if (i % 8 >= 2) continue;
      const [row] = await mariaDbJsonRows(
        logins.admin,
        `SELECT ${ROW_JSON} FROM orders WHERE id = ${sqlString(id)}`,
      );
      beforeImages.set(id, row ?? {});
      await mariaDbQuery(logins.admin, `DELETE FROM orders WHERE id = ${sqlString(id)}`);
      await record('delete', id, 0);
    }
  } finally {
    writing = false;
    bar.done();
  }
  await watcher;
  return { changes, beforeImages, ids };
}

/** Inserts one order and waits (≤60 s) until the view shows it; returns how long that took. */
export async function warmUp(
  app: MariaDbLogin,
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<number> {
  const id = await insertMariaDbOrder(app, {
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
