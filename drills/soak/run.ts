import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import { type LocalCloud, startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { logDir, stateDir } from '../../localstack/lib/paths.ts';
import type { Sample } from '../cdc-latency/breakdown.ts';
import { PipelineStamps, watchPipeline } from '../cdc-latency/observe.ts';
import { now, offer, settle, warmUp } from '../cdc-latency/offer.ts';
import type { RunContext } from '../kit/context.ts';
import { drillParams } from '../kit/params.ts';
import { BENCH, rssMb } from '../kit/processes.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { soakReport } from './report.ts';
import { latencyTrend, latencyWindows, memoryGrowth, type RssReading, soakPassed } from './verdict.ts';

/** Full: 100 orders/s for 30 min, p99 per 5-minute window, RSS every 30 s; the first window is the warm-up. */
const full = { rate: 100, seconds: 1800, windowS: 300, rssEveryS: 30 };
/**
 * Quick (`npm test`): 10 orders/s for 12 s in 3 s windows, RSS every second. Enough to prove the bench runs and
 * its figures come out; far too short to judge a leak. 10/s, not 100/s: the local payment consumer applies fewer
 * than 100 orders/s (cdc-latency report), so a quick run at 100/s spends a minute settling its backlog.
 */
const quick = { rate: 10, seconds: 12, windowS: 3, rssEveryS: 1 };

/**
 * Bench: 100 orders/s through the whole local pipeline, every consumer running, for 30 minutes (README.md here).
 * prepare: a fresh local cloud · inject: open-loop orders · observe: RSS of every process, commit → applied per
 * order (the cdc-latency stamps), the gateway's charges · verdict: verdict.ts.
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const params = drillParams(ctx, { rate: 'orders per second, default 100 (quick 10)' });
  // A soak judges leaks and drift, so it needs a load the machine drains: on 2 cores every hop together confirms
  // ~20 orders/s (drills/cdc-latency/README.md), and at 100/s the backlog, not the pipeline, would grow. The report
  // says the rate.
  const preset = ctx.quick ? quick : full;
  const plan = { ...preset, rate: params.number('rate') ?? preset.rate };
  const base = join(stateDir, 'drills', 'soak');
  mkdirSync(base, { recursive: true });
  const cloudState = mkdtempSync(join(base, 'run-'));
  const stamps = new PipelineStamps();
  const samples: Sample[] = [];
  const loadOrders = new Set<string>();
  const readings: RssReading[] = [];
  let cloud: LocalCloud | undefined;
  let t0 = 0;
  let doubleCharges = 0;
  let charges = 0;
  try {
    cloud = await startLocalCloud({
      stateDir: cloudState,
      logDir,
      ports: { aws: 0, postgres: 0, api: 0 },
      fresh: true,
      progress: (line) => ctx.log(`  ${line}`),
    });
    const db = createPgClient({ connectionString: cloud.database.app, max: 16 });
    const watch = watchPipeline(cloud, db, stamps);
    try {
      await warmUp(db, (id, s) => stamps.track(id, s));
      t0 = now();
      const c = cloud;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          readings.push({ atMs: now() - t0, mb: rssMb(c.pids()) });
          await sleep(plan.rssEveryS * 1000);
        }
      })();
      const bar = ctx.progress('soak', plan.seconds / plan.windowS);
      const ticker = setInterval(() => bar.tick(), plan.windowS * 1000);
      try {
        await offer(db, plan.rate, plan.seconds, (id, s) => {
          stamps.track(id, s);
          samples.push(s);
          loadOrders.add(id);
        });
      } finally {
        clearInterval(ticker);
        bar.done();
      }
      await settle(samples, ctx.quick ? 20_000 : 120_000);
      sampling = false;
      await sampler;
      // The gateway's log file is shared by every run in logDir: count only this load's orders (key = order id).
      const created = new Map<string, number>();
      for (const e of cloud.paymentGateway.log())
        if (e.result === 'created' && loadOrders.has(e.idempotencyKey))
          created.set(e.idempotencyKey, (created.get(e.idempotencyKey) ?? 0) + 1);
      charges = [...created.values()].reduce((a, b) => a + b, 0);
      doubleCharges = [...created.values()].filter((n) => n > 1).length;
    } finally {
      await watch.stop();
      await db.close().catch(() => {});
    }
  } finally {
    await cloud?.stop();
    rmSync(cloudState, { recursive: true, force: true });
  }
  const totalMs = plan.seconds * 1000;
  const windowMs = plan.windowS * 1000;
  const timed = samples
    .filter((s) => s.committedAt !== undefined)
    .map((s) => ({
      atMs: s.committedAt! - t0,
      latencyMs: s.appliedAt === undefined ? undefined : s.appliedAt - s.committedAt!,
    }));
  const windows = latencyWindows(timed, windowMs, totalMs);
  // The first window is the warm-up: caches, JIT and pools fill there, so growth and trend are judged after it.
  const allGrowth = memoryGrowth(readings, windowMs, windowMs);
  // This process holds every order's timing for the report, so its growth is the bench's, not the pipeline's.
  const { [BENCH]: benchGrowth, ...growth } = allGrowth;
  const trend = latencyTrend(windows.slice(1));
  const lost = timed.filter((t) => t.latencyMs === undefined).length;
  const metrics = {
    rate: plan.rate,
    seconds: plan.seconds,
    windowSeconds: plan.windowS,
    orders: timed.length,
    charges,
    lost,
    doubleCharges,
    p99ByWindowMs: windows.map((w) => w.p99Ms),
    latencyTrend: trend,
    memoryGrowth: growth,
    benchProcessGrowth: benchGrowth,
    quick: ctx.quick,
  };
  const passed = soakPassed({ lost, doubleCharges, growth, trend });
  return soakReport({ metrics, passed, windows, readings, plan });
}
