import { BULK_MESSAGE_PREFIX, readBulkMarker } from './bulk-marker.ts';
import type { CapturedRecord, TableChange } from './change.ts';

/** A transaction the change rules treat as bulk: marked by its migration, or detected as a flurry. */
export interface BulkMark {
  txId: number;
  reason: 'marked' | 'flurry';
  /** From the marker; `unmarked` for a detected flurry. */
  migration: string;
}

/** When an unmarked burst counts as a flurry. */
export interface FlurryThresholds {
  /** Changes of one transaction above which it is a flurry. */
  perTransaction: number;
  /** Changes of one table committed in one second above which their transactions are a flurry. */
  perTableSecond: number;
}

/**
 * Running counts across the router's batches (a transaction's rows span many): kept in the router's memory,
 * where one shard's batches arrive one after the other. A cold start forgets them, so a flurry is found at most
 * one threshold later; counts older than `windowMs` of commit time are dropped.
 */
export class FlurryCounts {
  readonly perTx = new Map<number, { table: string; changes: number; lastMs: number }>();
  readonly perTableSecond = new Map<
    string,
    { table: string; txIds: Set<number>; changes: number; second: number }
  >();
  constructor(readonly windowMs = 120_000) {}

  /** Drops what committed more than the window before `nowMs` (commit time of the newest change seen). */
  prune(nowMs: number): void {
    for (const [txId, tx] of this.perTx) if (tx.lastMs < nowMs - this.windowMs) this.perTx.delete(txId);
    for (const [key, s] of this.perTableSecond)
      if (s.second * 1000 < nowMs - this.windowMs) this.perTableSecond.delete(key);
  }
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
  counts: FlurryCounts = new FlurryCounts(),
): BatchScan {
  const marks = new Map(known);
  const added: BulkMark[] = [];
  const add = (mark: BulkMark) => {
    if (marks.has(mark.txId)) return;
    marks.set(mark.txId, mark);
    added.push(mark);
  };
  const { perTx, perTableSecond } = counts;
  let newestMs = 0;
  const changes: TableChange[] = [];
  for (const record of records) {
    if (record.kind === 'message' && record.prefix === BULK_MESSAGE_PREFIX && record.txId !== undefined)
      add({ txId: record.txId, reason: 'marked', migration: readBulkMarker(record.content).migration });
    if (record.kind !== 'change' || record.op === 'read') continue;
    changes.push(record);
    newestMs = Math.max(newestMs, record.committedAtMs);
    const tx = perTx.get(record.txId) ?? { table: record.table, changes: 0, lastMs: 0 };
    tx.changes++;
    tx.lastMs = record.committedAtMs;
    perTx.set(record.txId, tx);
  }
  // Only this batch's transactions are judged: their marks are the ones `known` was looked up for. A transaction
  // of an earlier batch is not in `marks` here, so judging it again would call every marked bulk change a flurry
  // in each batch after its last row (the bulk-flurry drill caught this).
  const inBatch = new Set(transactionIds(records));
  const flurries: Flurry[] = [];
  for (const [txId, tx] of perTx)
    if (inBatch.has(txId) && tx.changes > thresholds.perTransaction && !marks.has(txId)) {
      flurries.push({ txId, trigger: 'transaction', table: tx.table, changes: tx.changes });
      add({ txId, reason: 'flurry', migration: 'unmarked' });
    }
  // Per table and second, the changes of bulk transactions (marked, or found above) do not count: a sign-up
  // committed in the same second as a marked migration is not a flurry (the bulk-flurry drill caught this too).
  for (const record of changes) {
    if (marks.has(record.txId)) continue;
    const secondOf = Math.floor(record.committedAtMs / 1000);
    const key = `${record.table}@${secondOf}`;
    const second = perTableSecond.get(key) ?? {
      table: record.table,
      txIds: new Set<number>(),
      changes: 0,
      second: secondOf,
    };
    second.changes++;
    second.txIds.add(record.txId);
    perTableSecond.set(key, second);
  }
  for (const second of perTableSecond.values())
    if (second.changes > thresholds.perTableSecond)
      for (const txId of second.txIds)
        if (inBatch.has(txId) && !marks.has(txId)) {
          flurries.push({ txId, trigger: 'table', table: second.table, changes: second.changes });
          add({ txId, reason: 'flurry', migration: 'unmarked' });
        }
  if (newestMs > 0) counts.prune(newestMs);
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
