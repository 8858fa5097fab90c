import type pg from 'pg';
import { claimHeadsSql, claimRowsSql, markSentSql } from './claim-sql.ts';
import { type OutboxRow, toRecord } from './record.ts';
import { type PutBatch, publishInWaves, type WaveOptions } from './waves.ts';

export interface RelayLimits {
  /** Aggregates claimed per pass. Default 200. */
  maxAggregates: number;
  /** Rows claimed per pass. Default 2,000. */
  maxRows: number;
}

export const defaultLimits: RelayLimits = { maxAggregates: 200, maxRows: 2000 };

/** Optional evidence hooks: the relay-replicas drill writes every claim and commit to a log. */
export interface ClaimObserver {
  claimed?(eventIds: readonly string[]): void;
  /** After Kinesis accepted these, before they are marked sent: the window a crash drill aims at. */
  published?(eventIds: readonly string[]): void;
  /** After COMMIT: these rows are marked sent. */
  committed?(eventIds: readonly string[]): void;
}

export interface PassResult {
  aggregates: number;
  claimed: number;
  sent: number;
  heldBack: number;
  /** True when a limit was reached: poll again at once instead of waiting for the interval. */
  full: boolean;
}

/**
 * One pass, one transaction: claim whole aggregates, publish their rows in waves, mark what Kinesis accepted,
 * commit. A crash anywhere before COMMIT leaves every row unsent and unlocked, so it is published again later
 * (at least once; consumers dedupe on event id). Rows are never marked before Kinesis has accepted them.
 */
export async function relayOnce(
  db: pg.ClientBase,
  put: PutBatch,
  limits: RelayLimits = defaultLimits,
  observer: ClaimObserver = {},
  waveOptions: WaveOptions = {},
): Promise<PassResult> {
  await db.query('BEGIN');
  try {
    const heads = await db.query<{ aggregate_id: string }>(claimHeadsSql(), [limits.maxAggregates]);
    if (heads.rows.length === 0) {
      await db.query('COMMIT');
      return { aggregates: 0, claimed: 0, sent: 0, heldBack: 0, full: false };
    }
    const aggregateIds = heads.rows.map((r) => r.aggregate_id);
    const rows = await db.query<OutboxRow>(claimRowsSql(), [aggregateIds, limits.maxRows]);
    observer.claimed?.(rows.rows.map((r) => r.event_id));
    const outcome = await publishInWaves(rows.rows.map(toRecord), put, waveOptions);
    observer.published?.(outcome.sent);
    if (outcome.sent.length > 0) await db.query(markSentSql(), [outcome.sent]);
    await db.query('COMMIT');
    observer.committed?.(outcome.sent);
    return {
      aggregates: aggregateIds.length,
      claimed: rows.rows.length,
      sent: outcome.sent.length,
      heldBack: outcome.heldBack.length,
      full: aggregateIds.length >= limits.maxAggregates || rows.rows.length >= limits.maxRows,
    };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

export interface LoopOptions {
  /** Wait after a pass that was not full. Default 500 ms. */
  intervalMs: number;
  limits?: RelayLimits;
  observer?: ClaimObserver;
  onPass?(result: PassResult): void;
  onError?(error: unknown): void;
}

/** Polls until `signal` aborts: passes back to back while they come back full, else every `intervalMs`. */
export async function relayLoop(
  db: pg.ClientBase,
  put: PutBatch,
  options: LoopOptions,
  signal: AbortSignal,
): Promise<void> {
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  while (!signal.aborted) {
    let full = false;
    try {
      const result = await relayOnce(db, put, options.limits, options.observer);
      options.onPass?.(result);
      full = result.full;
    } catch (error) {
      options.onError?.(error);
    }
    if (!full) await sleep(options.intervalMs);
  }
}
