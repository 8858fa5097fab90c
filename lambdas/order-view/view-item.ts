import type { PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ViewChange } from './view-change.ts';

type Applicable = Extract<ViewChange, { kind: 'upsert' | 'delete' }>;

/**
 * When a write may land. `newer`: only over nothing or over an item from an earlier WAL position, so a replayed
 * change is a no-op and an older change never overwrites a newer one. `absent`: write-once (history).
 */
export type Guard = { kind: 'newer'; lsn: number } | { kind: 'absent' };

export interface ViewWrite {
  item: Record<string, unknown> & { pk: string; sk: string };
  guard: Guard;
}

export const CURRENT_SK = 'CURRENT';
export const orderPk = (orderId: string): string => `ORDER#${orderId}`;
/** Zero-padded so a order's deletions sort by WAL position (an LSN is below 2^64, at most 20 digits). */
export const deletedSk = (lsn: number): string => `DELETED#${String(lsn).padStart(20, '0')}`;

/**
 * The view writes of one change, in the order they must be applied.
 *
 * - `c`/`u`/`r` → the current item (`ORDER#<id>` / `CURRENT`): the after-image's columns, plus `sourceLsn`,
 *   `sourceOp`, `sourceCommitTsMs`, `deleted: false`.
 * - `d` → first the history item (`DELETED#<lsn>`) with the full before-image under `before`, then the current
 *   item replaced by a marker (`deleted: true`, the deleted `version`, the delete's `sourceLsn`). The marker is kept,
 *   not removed: removing it would let a replayed create of the order resurrect it.
 *
 * The guard is the WAL position (`sourceLsn`), not the row's `version` column: a delete, or an update that does not
 * bump `version`, still moves the LSN, and every change of one row has a higher LSN than the one before it.
 */
export function viewWrites(change: Applicable): ViewWrite[] {
  const pk = orderPk(change.orderId);
  const { lsn, commitTsMs } = change.position;
  const source = { sourceLsn: lsn, sourceOp: change.op, sourceCommitTsMs: commitTsMs };
  if (change.kind === 'upsert') {
    // Our attributes after the row's, so a column can never shadow a key or the guard.
    const item = { ...change.after, pk, sk: CURRENT_SK, orderId: change.orderId, deleted: false, ...source };
    return [{ item, guard: { kind: 'newer', lsn } }];
  }
  const historySk = deletedSk(lsn);
  const version = change.before.version ?? null;
  return [
    {
      item: { pk, sk: historySk, orderId: change.orderId, version, before: change.before, ...source },
      guard: { kind: 'absent' },
    },
    {
      item: { pk, sk: CURRENT_SK, orderId: change.orderId, deleted: true, version, historySk, ...source },
      guard: { kind: 'newer', lsn },
    },
  ];
}

/** The conditional put of one write. */
export function toPutInput(tableName: string, write: ViewWrite): PutCommandInput {
  if (write.guard.kind === 'absent')
    return { TableName: tableName, Item: write.item, ConditionExpression: 'attribute_not_exists(pk)' };
  return {
    TableName: tableName,
    Item: write.item,
    ConditionExpression: 'attribute_not_exists(pk) OR #lsn < :lsn',
    ExpressionAttributeNames: { '#lsn': 'sourceLsn' },
    ExpressionAttributeValues: { ':lsn': write.guard.lsn },
  };
}

/** Whether a put landed, or its guard held it back (already applied, or the view holds a newer change). */
export type PutOutcome = 'applied' | 'superseded';

/** Where the writes go: DynamoDB in the handler, a map in the unit tests. */
export type ViewStore = (write: ViewWrite) => Promise<PutOutcome>;

/** Applies a change's writes in order; a superseded write is success (at-least-once delivery, replays). */
export async function applyChange(
  store: ViewStore,
  change: Applicable,
): Promise<{ applied: number; superseded: number }> {
  const outcome = { applied: 0, superseded: 0 };
  for (const write of viewWrites(change)) outcome[await store(write)] += 1;
  return outcome;
}
