import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import { type LocalCloud, startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { logDir, stateDir } from '../../localstack/lib/paths.ts';
import type { RunContext } from '../kit/context.ts';
import { drillParams } from '../kit/params.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { knobs } from './connector.ts';
import { goalMet } from './goal.ts';
import { PipelineStamps, watchPipeline } from './observe.ts';
import { type Bench, type Measured, runPhases } from './phases.ts';
import { benchReport } from './report.ts';

export { anchors, goalP99Ms, goalRate } from './goal.ts';

/**
 * Bench: commit → Kinesis → router → payment consumer → order confirmed, open loop at a few rates, with every
 * consumer running (README.md in this folder).
 * prepare: a fresh local cloud · inject: open-loop orders per phase (phases.ts) · observe: the stream reader, the
 * runtime's receive hook and the order rows stamp each order (observe.ts) · verdict: the goals (goal.ts).
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const params = drillParams(ctx, {
    seconds: "each full-run phase's length, default 60",
    rates: 'the offered rates of a full run, orders per second, comma-separated, default 50,200,500',
  });
  const seconds = ctx.quick ? 3 : (params.number('seconds') ?? 60);
  const plan = (ctx.quick ? [10] : (params.numbers('rates') ?? [50, 200, 500])).map((rate) => ({
    rate,
    seconds,
  }));
  const base = join(stateDir, 'drills', 'cdc-latency');
  mkdirSync(base, { recursive: true });
  const cloudState = mkdtempSync(join(base, 'run-'));
  const started = Date.now();
  const stamps = new PipelineStamps();
  let paymentQueueUrl: string | undefined;
  let cloud: LocalCloud | undefined;
  const measured: Measured = { rates: [], breakdowns: [], chartRows: [] };
  let tuning: Record<string, string> = {};
  let runtimeStats: unknown;
  let startupMs = 0;
  try {
    cloud = await startLocalCloud({
      stateDir: cloudState,
      logDir,
      ports: { aws: 0, postgres: 0, api: 0 },
      fresh: true,
      progress: (line) => ctx.log(`  ${line}`),
      onSqsReceive: stamps.onSqsReceive(() => paymentQueueUrl),
    });
    paymentQueueUrl = cloud.provisioned.outputs.PaymentQueueUrl;
    startupMs = Date.now() - started;
    const db = createPgClient({ connectionString: cloud.database.app, max: 16 });
    const bench: Bench = { cloud, db, stamps };
    try {
      tuning = knobs(cloud);
      const watch = watchPipeline(cloud, db, stamps);
      try {
        await runPhases(ctx, bench, plan, measured, ctx.quick ? 20_000 : 90_000);
        runtimeStats = {
          mappings: cloud.runtime.stats().mappings,
          functions: cloud.runtime.stats().functions,
        };
      } finally {
        await watch.stop();
      }
    } finally {
      await db.close().catch(() => {});
    }
  } finally {
    await cloud?.stop();
    // A fresh cloud each run: its Postgres data is of no use afterwards; logs stay in logDir.
    rmSync(cloudState, { recursive: true, force: true });
  }
  const passed = goalMet(measured.rates);
  return benchReport({
    measured,
    passed,
    plan,
    quick: ctx.quick,
    tuning,
    runtimeStats,
    startupMs,
    seenBeforeTracked: stamps.seenBeforeTracked,
  });
}
