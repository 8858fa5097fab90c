import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { CURRENT_SK, orderPk } from '../../lambdas/order-view/view-item.ts';

export type Op = 'insert' | 'update' | 'delete';
export interface Change {
  seq: number;
  op: Op;
  orderId: string;
  /** The version the view must reach (update), or 1 (insert). */
  version: number;
  committedAt: number;
  visibleAt?: number;
}
export type Item = Record<string, unknown>;

/** How often the watcher reads the view. */
export const POLL_MS = 20;

/** Polls until every change is visible or `timeoutMs` passes after the last write. */
export async function watch(
  doc: DynamoDBDocumentClient,
  tableName: string,
  changes: Change[],
  writing: () => boolean,
  timeoutMs: number,
): Promise<void> {
  let deadline = Number.POSITIVE_INFINITY;
  while (true) {
    const stillWriting = writing();
    if (!stillWriting && deadline === Number.POSITIVE_INFINITY) deadline = Date.now() + timeoutMs;
    const pending = changes.filter((c) => c.visibleAt === undefined);
    if (pending.length === 0 && !stillWriting) return;
    if (Date.now() > deadline) return;
    const orderIds = [...new Set(pending.map((c) => c.orderId))];
    const current = await currentItems(doc, tableName, orderIds);
    const seenAt = Date.now();
    for (const change of pending) {
      const item = current.get(change.orderId);
      if (item && isVisible(change, item)) change.visibleAt = seenAt;
    }
    await sleep(POLL_MS);
  }
}

/** A change shows once the current item has reached its state (a later state counts: views only move forward). */
export function isVisible(change: Pick<Change, 'op' | 'version'>, item: Item): boolean {
  if (item.deleted === true) return true;
  if (change.op === 'delete') return false;
  return Number(item.version) >= change.version;
}

/** The current items of these orders (consistent BatchGet, 100 keys a call, unprocessed keys retried). */
export async function currentItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  orderIds: readonly string[],
): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  for (let i = 0; i < orderIds.length; i += 100) {
    let keys: Item[] | undefined = orderIds
      .slice(i, i + 100)
      .map((id) => ({ pk: orderPk(id), sk: CURRENT_SK }));
    while (keys && keys.length > 0) {
      const out: BatchGetCommandOutput = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName] ?? []) items.set(String(item.orderId), item);
      keys = out.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return items;
}

export async function scanAll(doc: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: ScanCommandOutput = await doc.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
