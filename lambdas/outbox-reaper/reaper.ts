import type { SqlExecutor } from '../shared/db/sql-client.ts';

export interface ReapedPartition {
  partition: string;
  /** `dropped`, `kept: N unsent rows`, or `skipped: lock not granted within lock_wait`. */
  action: string;
}

export interface ReapOptions {
  /** Days of outbox kept whole. Default 7 (the stream's retention: anything older cannot be replayed anyway). */
  retentionDays: number;
  /** The longest the reaper waits for the outbox's lock before leaving a partition for the next run. */
  lockWaitMs: number;
}

/**
 * One reaper run: drops daily outbox partitions older than the retention (never one with unsent rows) and
 * creates the coming days' partitions, all in `outbox_reap_partitions()` (migration 0007).
 */
export async function reapOutbox(db: SqlExecutor, options: ReapOptions): Promise<ReapedPartition[]> {
  if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1)
    throw new RangeError('retentionDays must be a positive integer');
  const rows = await db.query<{ partition_name: string; action: string }>(
    'SELECT partition_name, action FROM outbox_reap_partitions(:days::int, make_interval(secs => :lockWaitMs::float8 / 1000))',
    { days: options.retentionDays, lockWaitMs: options.lockWaitMs },
  );
  return rows.map((r) => ({ partition: r.partition_name, action: r.action }));
}
