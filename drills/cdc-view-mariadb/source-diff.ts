import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CURRENT_SK } from '../../lambdas/order-view/view-item.ts';
import { type MariaDbLogin, mariaDbJsonRows } from '../../localstack/processes/mariadb/client.ts';
import { normalise } from '../cdc-view/before-images.ts';
import { type Item, scanAll } from '../cdc-view/view.ts';
import { ROW_JSON } from './workload.ts';

export type SourceDiff = { orderId: string; problem: string };

/**
 * The view against its source, row by row: every order in MariaDB has a live current item with every column
 * equal; every current item of an order no longer in MariaDB is a `deleted` marker. Pure over the two reads.
 */
export function diffSource(rows: readonly Item[], view: readonly Item[]): SourceDiff[] {
  const diffs: SourceDiff[] = [];
  const current = new Map(view.filter((i) => i.sk === CURRENT_SK).map((i) => [String(i.orderId), i]));
  const inSource = new Set<string>();
  for (const row of rows) {
    const orderId = String(row.id);
    inSource.add(orderId);
    const item = current.get(orderId);
    if (!item) diffs.push({ orderId, problem: 'missing from the view' });
    else if (item.deleted !== false) diffs.push({ orderId, problem: 'marked deleted in the view' });
    else
      for (const [column, value] of Object.entries(row))
        if (normalise(item[column]) !== normalise(value))
          diffs.push({
            orderId,
            problem: `${column}: view ${JSON.stringify(item[column])} ≠ row ${JSON.stringify(value)}`,
          });
  }
  for (const [orderId, item] of current)
    if (!inSource.has(orderId) && item.deleted !== true)
      diffs.push({ orderId, problem: 'deleted in the source, live in the view' });
  return diffs;
}

/** Reads every order of MariaDB and the whole view, and diffs them. */
export async function checkSourceEqualsView(
  admin: MariaDbLogin,
  doc: DynamoDBDocumentClient,
  tableName: string,
) {
  const rows = await mariaDbJsonRows(admin, `SELECT ${ROW_JSON} FROM orders`);
  const diffs = diffSource(rows, await scanAll(doc, tableName));
  return { rows: rows.length, diffs };
}
