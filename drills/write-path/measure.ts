import { performance } from 'node:perf_hooks';
import type { SqlClient, SqlExecutor } from '../../lambdas/shared/db/sql-client.ts';
import { cpuSeconds } from '../kit/processes.ts';

/** One timed window of one arm. */
export interface Window {
  tps: number;
  /** WAL written per committed transaction (pg_current_wal_lsn before and after the window). */
  walBytesPerTx: number;
  /** CPU of this Node process (the driver, uuid, JSON, the payload's contract check) per transaction. */
  clientCpuUsPerTx: number;
  /** CPU of every Postgres process (backends, WAL writer, checkpointer) per transaction. */
  serverCpuUsPerTx: number;
  /** The arm's statements in pg_stat_statements: planning, and execution (which ends before the commit). */
  planUsPerTx: number;
  execUsPerTx: number;
}

export interface Probe {
  /** The admin connection: reads the WAL position (writes no WAL itself). */
  admin: SqlClient;
  /** The postmaster's pid: its CPU and its children's (they are not in its process group). */
  postmaster: number | undefined;
}

const postgresCpuSeconds = (postmaster: number | undefined) =>
  postmaster ? (cpuSeconds([postmaster])['Postgres (all backends)'] ?? 0) : 0;

async function walLsnBytes(admin: SqlClient): Promise<bigint> {
  const [row] = await admin.query<{ bytes: string }>(
    "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::text AS bytes",
  );
  return BigInt((row?.bytes ?? '0').split('.')[0] ?? '0');
}

type StatementTimes = Map<string, { calls: number; plan: number; exec: number }>;

async function statementTimes(admin: SqlClient): Promise<StatementTimes> {
  const rows = await admin.query<{ queryid: string; calls: number; plan: number; exec: number }>(
    'SELECT queryid::text, calls, total_plan_time AS plan, total_exec_time AS exec FROM pg_stat_statements WHERE toplevel',
  );
  return new Map(rows.map((r) => [r.queryid, r]));
}

/** Planning and execution ms of the statements that ran at least `calls` times between two snapshots. */
function statementDelta(before: StatementTimes, after: StatementTimes, calls: number) {
  let plan = 0;
  let exec = 0;
  for (const [id, a] of after) {
    const b = before.get(id) ?? { calls: 0, plan: 0, exec: 0 };
    if (a.calls - b.calls < calls) continue;
    plan += a.plan - b.plan;
    exec += a.exec - b.exec;
  }
  return { plan, exec };
}

/** Runs `concurrency` closed loops of `write` for `seconds`. */
export async function measureWindow(
  db: SqlExecutor,
  write: (db: SqlExecutor) => Promise<unknown>,
  concurrency: number,
  seconds: number,
  probe: Probe,
): Promise<Window> {
  const statements0 = await statementTimes(probe.admin);
  const wal0 = await walLsnBytes(probe.admin);
  const server0 = postgresCpuSeconds(probe.postmaster);
  const client0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await write(db);
        done += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const client = process.cpuUsage(client0);
  const server = postgresCpuSeconds(probe.postmaster) - server0;
  const wal = Number((await walLsnBytes(probe.admin)) - wal0);
  // The arm's own statements ran `done` times; the probe's few times.
  const statements = statementDelta(statements0, await statementTimes(probe.admin), Math.max(2, done / 2));
  return {
    tps: done / elapsed,
    walBytesPerTx: wal / done,
    clientCpuUsPerTx: (client.user + client.system) / done,
    serverCpuUsPerTx: (server * 1e6) / done,
    planUsPerTx: (statements.plan * 1000) / done,
    execUsPerTx: (statements.exec * 1000) / done,
  };
}
