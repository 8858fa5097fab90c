import { performance } from 'node:perf_hooks';
import type { SqlClient, SqlExecutor } from '../../lambdas/shared/db/sql-client.ts';
import type { Arm } from './arms.ts';
import { median } from './schedule.ts';

/** One arm's statement, measured one order at a time. */
export interface StatementCost {
  /** pg_stat_statements, per order: planning and execution (execution ends before the commit). */
  planUs: number;
  execUs: number;
  walBytes: number;
  /** Client-side: one round trip including the commit's WAL flush, median. */
  latencyUs: number;
}

interface Stat {
  queryid: string;
  calls: number;
  plan: number;
  exec: number;
  wal: number;
}

async function stats(admin: SqlClient): Promise<Map<string, Stat>> {
  const rows = await admin.query<Stat>(
    `SELECT queryid::text, calls, total_plan_time AS plan, total_exec_time AS exec, wal_bytes::float8 AS wal
     FROM pg_stat_statements WHERE toplevel`,
  );
  return new Map(rows.map((r) => [r.queryid, r]));
}

/**
 * Every arm's statement, one order at a time on one connection each, interleaved order by order (bare, outbox,
 * copy, … bare, outbox, …): machine load hits every arm within milliseconds of the others, which the rate
 * windows cannot do. Only arms with a statement of their own (pg_stat_statements keys by text and tables), so
 * not the prepared ones: they share their statement with an unprepared arm.
 */
export async function decompose(
  arms: readonly Arm[],
  executorFor: (arm: Arm) => SqlExecutor,
  admin: SqlClient,
  orders: number,
): Promise<Record<string, StatementCost>> {
  const measured = arms.filter((arm) => !arm.prepared);
  const before = await stats(admin);
  const latencies = new Map<string, number[]>(measured.map((arm) => [arm.name, []]));
  for (let i = 0; i < orders; i++)
    for (const arm of measured) {
      const started = performance.now();
      await arm.write(executorFor(arm));
      latencies.get(arm.name)?.push((performance.now() - started) * 1000);
    }
  // Which statement is whose: one more order of each arm, alone.
  const out: Record<string, StatementCost> = {};
  for (const arm of measured) {
    const a = await stats(admin);
    await arm.write(executorFor(arm));
    const b = await stats(admin);
    const [id] = [...b].find(([key, s]) => s.calls > (a.get(key)?.calls ?? 0) && s.calls > orders) ?? [];
    const s = id ? b.get(id) : undefined;
    const s0 = (id && before.get(id)) || { calls: 0, plan: 0, exec: 0, wal: 0 };
    if (!s) continue;
    const n = s.calls - s0.calls;
    out[arm.name] = {
      planUs: ((s.plan - s0.plan) * 1000) / n,
      execUs: ((s.exec - s0.exec) * 1000) / n,
      walBytes: (s.wal - s0.wal) / n,
      latencyUs: median(latencies.get(arm.name) ?? []),
    };
  }
  return out;
}
