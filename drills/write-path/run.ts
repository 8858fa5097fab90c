import { execFileSync } from 'node:child_process';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import type { SqlClient } from '../../lambdas/shared/db/sql-client.ts';
import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { throwawayPostgres } from '../kit/throwaway-postgres.ts';
import { type Arm, armSchema, bare, outboxShapeDdl, variants } from './arms.ts';
import { decompose, type StatementCost } from './decompose.ts';
import { measureWindow } from './measure.ts';
import { preparedClient } from './prepared.ts';
import { writePathReport } from './report.ts';
import { roundOrder, type Sample } from './schedule.ts';

function commitOf(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const concurrency = ctx.quick ? 4 : 8;
  const seconds = ctx.quick ? 0.5 : 3;
  const rounds = ctx.quick ? 1 : 5;
  // fsync on: commit cost as on a real primary (the demo instance runs with fsync off).
  // pg_stat_statements with planning: where each arm's statement spends its server time.
  const pg = await throwawayPostgres('write-path', {
    extra: { fsync: 'on', 'pg_stat_statements.track_planning': 'on' },
  });
  const admin = createPgClient({ connectionString: pg.urls.admin, max: 1 });
  const pools = new Map<string, SqlClient>();
  const poolFor = (arm: Arm): SqlClient => {
    const key = arm.shape ? armSchema(arm) : arm.prepared ? 'prepared' : 'public';
    let pool = pools.get(key);
    if (!pool && arm.prepared)
      pool = preparedClient({ connectionString: pg.urls.app, max: concurrency, idleTimeoutMillis: 0 });
    if (!pool) {
      pool = createPgClient({
        connectionString: pg.urls.app,
        max: concurrency,
        idleTimeoutMillis: 0,
        // An arm with its own outbox finds it first; everything else (orders, functions) is the migrated schema.
        ...(arm.shape ? { options: `-c search_path=${key},public` } : {}),
      });
    }
    pools.set(key, pool);
    return pool;
  };
  const probe = { admin, postmaster: pg.server.process.child.pid };
  const arms = new Map([bare, ...variants].map((arm) => [arm.name, arm]));
  const samples: Sample[] = [];
  let statements: Record<string, StatementCost> = {};
  const commit = commitOf();
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    for (const arm of variants)
      if (arm.shape)
        for (const statement of outboxShapeDdl(armSchema(arm), arm.shape)) await admin.query(statement);
    // Warm-up of every arm: connections, plans, the first pages of each table.
    for (const arm of arms.values())
      await measureWindow(poolFor(arm), arm.write, concurrency, ctx.quick ? 0.1 : 0.5, probe);
    const perRound = roundOrder(
      variants.map((v) => v.name),
      0,
    ).length;
    const bar = ctx.progress('write-path', rounds * perRound);
    for (let r = 1; r <= rounds; r++) {
      const order = roundOrder(
        variants.map((v) => v.name),
        r - 1,
      );
      for (const [slot, name] of order.entries()) {
        const arm = arms.get(name) as Arm;
        const window = await measureWindow(poolFor(arm), arm.write, concurrency, seconds, probe);
        samples.push({ round: r, slot, arm: name, ...window });
        bar.tick();
      }
    }
    bar.done();
    ctx.log('write-path: statement by statement, every arm interleaved order by order');
    statements = await decompose([bare, ...variants], poolFor, admin, ctx.quick ? 50 : 1000);
  } finally {
    for (const pool of pools.values()) await pool.close();
    await admin.close();
    await pg.dispose();
  }
  return writePathReport({
    samples,
    statements,
    arms: [bare, ...variants],
    concurrency,
    seconds,
    rounds,
    commit,
    quick: ctx.quick,
    log: ctx.log,
  });
}
