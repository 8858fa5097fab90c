import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import { startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { logDir, stateDir } from '../../localstack/lib/paths.ts';
import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { knobs } from './connector.ts';
import { goalMet } from './goal.ts';
import { watchPipeline } from './observe.ts';
import { type Bench, type Measured, phasePlan, runPhases } from './phases.ts';
import { benchReport } from './report.ts';

export { anchors, goalP99Ms, goalRate, whatIfPollMs } from './goal.ts';

/**
 * Bench: commit → Kinesis → consumer queue latency of the whole local pipeline, open loop at a few rates, with a
 * what-if run of the outbox connector at a shorter poll interval (README.md in this folder).
 * prepare: a fresh local cloud, consumers paused · inject: open-loop orders per phase (phases.ts) ·
 * observe: stream and queue readers stamp each order (observe.ts) · verdict: the goal rate's p99 (goal.ts).
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  // HOLDLINE_CDC_SECONDS shortens the full run's phases (default 60 s each).
  const seconds = ctx.quick ? 3 : Number(process.env.HOLDLINE_CDC_SECONDS ?? 60);
  const plan = (ctx.quick ? [10] : [50, 200, 500]).map((rate) => ({ rate, seconds }));
  const base = join(stateDir, 'drills', 'cdc-latency');
  mkdirSync(base, { recursive: true });
  const cloudState = mkdtempSync(join(base, 'run-'));
  const started = Date.now();
  const cloud = await startLocalCloud({
    stateDir: cloudState,
    logDir,
    ports: { aws: 0, postgres: 0, api: 0 },
    fresh: true,
    progress: (line) => ctx.log(`  ${line}`),
  });
  const startupMs = Date.now() - started;
  const sqs = new SQSClient(awsClientConfig(cloud.aws));
  const db = createPgClient({ connectionString: cloud.database.app, max: 16 });
  const bench: Bench = { cloud, cloudState, db, byOrder: new Map() };
  const measured: Measured = { rates: [], breakdowns: [], chartRows: [] };
  let tuning: Record<string, string> = {};
  let routerStats: unknown;
  try {
    tuning = knobs(cloud);
    await cloud.setQueueConsumersEnabled(false);
    const watch = watchPipeline(cloud, sqs, bench.byOrder);
    try {
      await runPhases(ctx, bench, phasePlan(plan), measured);
      routerStats = cloud.runtime.stats().mappings;
    } finally {
      await watch.stop();
    }
  } finally {
    await db.close().catch(() => {});
    sqs.destroy();
    await bench.whatIfServer?.stop();
    await cloud.stop();
    // A fresh cloud each run: its Postgres data (≈50–130 MB) is of no use afterwards; logs stay in logDir.
    rmSync(cloudState, { recursive: true, force: true });
  }
  const passed = goalMet(measured.rates);
  return benchReport({ measured, passed, plan, quick: ctx.quick, tuning, routerStats, startupMs });
}
