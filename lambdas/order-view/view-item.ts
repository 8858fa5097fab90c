import type { PutCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ViewChange } from './view-change.ts';

type Applicable = Extract<ViewChange, { kind: 'upsert' | 'delete' }>;

/**
 * When a write may land. `newer`: only over nothing or over an item from an earlier WAL position, so a replayed
 * change is a no-op and an older change never overwrites a newer one. `absent`: write-once (history).
 */
export type Guard =
  | { kind: 'newer'; lsn: number }
  | { kind: 'absent' }
  /**
   * An incremental snapshot read (no LSN): lands over nothing (with `sourceLsn` 0, so every later change of the
   * row still lands), or over a live item of a lower `version`, keeping that item's `sourceLsn`. Never over a
   * delete marker, and never over an equal or higher version, so a replayed read is a no-op.
   */
  | { kind: 'read'; version: number };

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
 * bump `version`, still moves the LSN, and every change of one row has a higher LSN than the one before it. The one
 * exception is an incremental snapshot read, which has no LSN: the `read` guard above, by version.
 */
export function viewWrites(change: Applicable): ViewWrite[] {
  const pk = orderPk(change.orderId);
  const sourceOf = (sourceLsn: number) => ({
    sourceLsn,
    sourceOp: change.op,
    sourceCommitTsMs: change.position.commitTsMs,
  });
  if (change.kind === 'upsert') {
    const { lsn } = change.position;
    // Our attributes after the row's, so a column can never shadow a key or the guard.
    const item = { ...change.after, pk, sk: CURRENT_SK, orderId: change.orderId, deleted: false };
    // An incremental snapshot read has no LSN: its guard is the row's version (and 0 marks "no position").
    if (lsn === null)
      return [
        { item: { ...item, ...sourceOf(0) }, guard: { kind: 'read', version: versionOf(change.after) } },
      ];
    return [{ item: { ...item, ...sourceOf(lsn) }, guard: { kind: 'newer', lsn } }];
  }
  const { lsn } = change.position;
  const source = sourceOf(lsn);
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

/** The `version` column as a number (view-change.ts's schema has checked it is a positive integer). */
function versionOf(row: Readonly<Record<string, unknown>>): number {
  return Number(row.version);
}

/** The conditional put of one write (for a `read`, its first step: over nothing). */
export function toPutInput(tableName: string, write: ViewWrite): PutCommandInput {
  if (write.guard.kind === 'absent' || write.guard.kind === 'read')
    return { TableName: tableName, Item: write.item, ConditionExpression: 'attribute_not_exists(pk)' };
  return {
    TableName: tableName,
    Item: write.item,
    ConditionExpression: 'attribute_not_exists(pk) OR #lsn < :lsn',
    ExpressionAttributeNames: { '#lsn': 'sourceLsn' },
    ExpressionAttributeValues: { ':lsn': write.guard.lsn },
  };
}

/**
 * A `read`'s second step, when the item exists: every attribute but the key and `sourceLsn`, over a live item of
 * a lower version.
 */
export function toReadUpdateInput(
  tableName: string,
  write: ViewWrite & { guard: { kind: 'read' } },
): UpdateCommandInput {
  const { pk, sk, sourceLsn: _kept, ...rest } = write.item;
  const names: Record<string, string> = { '#deleted': 'deleted', '#version': 'version' };
  const values: Record<string, unknown> = { ':live': false, ':version': write.guard.version };
  const sets = Object.entries(rest).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    return `#a${i} = :a${i}`;
  });
  return {
    TableName: tableName,
    Key: { pk, sk },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: '#deleted = :live AND #version < :version',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
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
