import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { round } from '../kit/stats.ts';

/** What one arm cost Postgres over its window. */
export interface Load {
  statements: number;
  statementMs: number;
  relayStatements: number;
  relayStatementMs: number;
  rowsRead: number;
  outboxIndexScans: number;
  outboxRowsUpdated: number;
  walBytes: number;
  decodedBytes: number;
  topStatements: Array<{ query: string; calls: number; ms: number; rows: number }>;
}

type Counters = { rows_read: string; idx_scans: string; updated: string; lsn: string; decoded: string };
type Statement = Load['topStatements'][number];

async function counters(db: pg.Client): Promise<Counters> {
  const row = (
    await db.query(`SELECT
      (SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = current_database()) AS rows_read,
      (SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_tables WHERE relname LIKE 'outbox%') AS idx_scans,
      (SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname LIKE 'outbox%') AS updated,
      pg_current_wal_lsn() AS lsn,
      (SELECT coalesce(sum(total_bytes), 0) FROM pg_stat_replication_slots) AS decoded`)
  ).rows[0];
  return row as Counters;
}

async function statementsSinceReset(db: pg.Client): Promise<Statement[]> {
  return (
    await db.query<{ query: string; calls: string; ms: number; rows: string }>(
      `SELECT query, calls, total_exec_time AS ms, rows FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC`,
    )
  ).rows.map((r) => ({
    query: r.query.replace(/\s+/g, ' ').slice(0, 140),
    calls: Number(r.calls),
    ms: round(r.ms, 2),
    rows: Number(r.rows),
  }));
}

/** Counters are cumulative: reset what can be reset, remember the rest, and diff at the end of the window. */
export async function measureLoad(db: pg.Client) {
  await db.query('SELECT pg_stat_statements_reset()');
  await db.query('SELECT pg_stat_clear_snapshot()');
  const before = await counters(db);
  return async (): Promise<Load> => {
    await sleep(600); // stats are flushed by backends at most once a second
    await db.query('SELECT pg_stat_clear_snapshot()');
    const after = await counters(db);
    const statements = await statementsSinceReset(db);
    const wal = (
      await db.query<{ b: string }>('SELECT pg_wal_lsn_diff($1, $2) AS b', [after.lsn, before.lsn])
    ).rows[0]!;
    return loadBetween(before, after, Number(wal.b), statements);
  };
}

/** The window's load from the counters at both ends and the statements run in it. */
export function loadBetween(
  before: Counters,
  after: Counters,
  walBytes: number,
  statements: Statement[],
): Load {
  // The polling relay's own statements: its claims and marks (published_at) and their transaction control.
  const relay = statements.filter(
    (s) => /published_at/.test(s.query) || /^(BEGIN|COMMIT|ROLLBACK)$/i.test(s.query),
  );
  return {
    statements: statements.reduce((a, s) => a + s.calls, 0),
    statementMs: round(
      statements.reduce((a, s) => a + s.ms, 0),
      1,
    ),
    relayStatements: relay.reduce((a, s) => a + s.calls, 0),
    relayStatementMs: round(
      relay.reduce((a, s) => a + s.ms, 0),
      1,
    ),
    rowsRead: Number(after.rows_read) - Number(before.rows_read),
    outboxIndexScans: Number(after.idx_scans) - Number(before.idx_scans),
    outboxRowsUpdated: Number(after.updated) - Number(before.updated),
    walBytes,
    decodedBytes: Number(after.decoded) - Number(before.decoded),
    topStatements: statements.slice(0, 8),
  };
}
