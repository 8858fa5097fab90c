import { BULK_MESSAGE_PREFIX, readBulkMarker } from './bulk-marker.ts';
import type { CapturedRecord } from './change.ts';

/** A transaction the change rules treat as bulk: marked by its migration, or detected as a flurry. */
export interface BulkMark {
  txId: number;
  reason: 'marked' | 'flurry';
  /** From the marker; `unmarked` for a detected flurry. */
  migration: string;
}

/** When an unmarked burst counts as a flurry, judged within one router batch (≤ the Kinesis batch size). */
export interface FlurryThresholds {
  /** Changes of one transaction in one batch above which it is a flurry. */
  perTransaction: number;
  /** Changes of one table committed in one second, in one batch, above which their transactions are a flurry. */
  perTableSecond: number;
}

/** A flurry found in a batch: what tripped it and how many changes it had there. */
export interface Flurry {
  txId: number;
  trigger: 'transaction' | 'table';
  table: string;
  changes: number;
}

export interface BatchScan {
  /** Every bulk transaction the batch's records belong to: the known ones and those found now. */
  marks: Map<number, BulkMark>;
  /** Marks found in this batch (to remember for later batches). */
  added: BulkMark[];
  flurries: Flurry[];
}

/**
 * Finds the bulk transactions of a batch, without I/O: a `holdline.bulk` WAL message marks its transaction
 * (it comes first in it, so before its rows); a transaction or table over the thresholds is a flurry and is
 * treated like a marked transaction (throttled), so a forgotten marker does not flood the consumers.
 */
export function scanBatch(
  records: readonly CapturedRecord[],
  known: ReadonlyMap<number, BulkMark>,
  thresholds: FlurryThresholds,
): BatchScan {
  const marks = new Map(known);
  const added: BulkMark[] = [];
  const add = (mark: BulkMark) => {
    if (marks.has(mark.txId)) return;
    marks.set(mark.txId, mark);
    added.push(mark);
  };
  const perTx = new Map<number, { table: string; changes: number }>();
  const perTableSecond = new Map<string, { table: string; txIds: Set<number>; changes: number }>();
  for (const record of records) {
    if (record.kind === 'message' && record.prefix === BULK_MESSAGE_PREFIX && record.txId !== undefined)
      add({ txId: record.txId, reason: 'marked', migration: readBulkMarker(record.content).migration });
    if (record.kind !== 'change' || record.op === 'read') continue;
    const tx = perTx.get(record.txId) ?? { table: record.table, changes: 0 };
    tx.changes++;
    perTx.set(record.txId, tx);
    const key = `${record.table}@${Math.floor(record.committedAtMs / 1000)}`;
    const second = perTableSecond.get(key) ?? { table: record.table, txIds: new Set(), changes: 0 };
    second.changes++;
    second.txIds.add(record.txId);
    perTableSecond.set(key, second);
  }
  const flurries: Flurry[] = [];
  for (const [txId, tx] of perTx)
    if (tx.changes > thresholds.perTransaction && !marks.has(txId)) {
      flurries.push({ txId, trigger: 'transaction', table: tx.table, changes: tx.changes });
      add({ txId, reason: 'flurry', migration: 'unmarked' });
    }
  for (const second of perTableSecond.values())
    if (second.changes > thresholds.perTableSecond)
      for (const txId of second.txIds)
        if (!marks.has(txId)) {
          flurries.push({ txId, trigger: 'table', table: second.table, changes: second.changes });
          add({ txId, reason: 'flurry', migration: 'unmarked' });
        }
  return { marks, added, flurries };
}

/** The transaction ids a batch's records belong to (to look their marks up). */
export function transactionIds(records: readonly CapturedRecord[]): number[] {
  const ids = new Set<number>();
  for (const r of records)
    if (r.kind === 'change' || r.kind === 'transaction-end' || (r.kind === 'message' && r.txId !== undefined))
      ids.add(r.txId as number);
  return [...ids];
}
