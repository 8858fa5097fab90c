import { setTimeout as sleep } from 'node:timers/promises';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import { localAppTemplate } from '../../localstack/cloud/local-template.ts';
import type { RunContext } from '../kit/context.ts';
import { type DrillCloud, scheduleOf, startIsolatedCloud } from '../kit/drill-cloud.ts';
import { fastConsumers } from '../kit/fast-consumers.ts';
import { FaultLog } from '../kit/faults.ts';
import { type AcceptedOrder, apiOrders, type LoadResult, openLoop } from '../kit/load.ts';
import { drillParams } from '../kit/params.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { expectedPages, PAGE_GRACE_MS } from './expected-pages.ts';
import { judge } from './invariants.ts';
import { collectEvidence, type StateSample, sampleStates, waitDrained } from './observe.ts';
import { type CampaignParts, campaignParts } from './parts.ts';
import { readableReport, statesChart } from './report.ts';
import { type PlannedFault, planCampaign } from './schedule.ts';

/**
 * Drill: the ordinary faults production sees most — a database restart or freeze, a payment provider that fails or
 * hangs, a crashed CDC task, killed containers, a frozen DynamoDB — one after another and overlapping, under an
 * open-loop order load. After the last fault clears, every accepted order must settle with no manual action, charged
 * once, with no event lost or applied twice, nothing in a DLQ, and each fault paged. See README.md beside this file.
 */

const DRILL = 'fault-campaign';
const CUSTOMER = `drill-${DRILL}`;
const RECONCILE_ENTRY = 'lambdas/reconcile/handler.ts';
/** Lambda container kills rotate over the functions a lost invocation hurts most. */
const KILLED_FUNCTIONS = [
  'lambdas/consumers/payment/handler.ts',
  'lambdas/router/handler.ts',
  'lambdas/consumers/inventory/handler.ts',
];

interface Settings {
  ratePerSecond: number;
  loadMs: number;
  /** Fault durations × this. */
  scale: number;
  /** Every order must settle this long after the last fault cleared. */
  boundSeconds: number;
  /** Share of the load's window the fault lanes fill. */
  fill: number;
  seed: number;
}

/**
 * Issue 12's figures. Quick mode scales the faults by 1/4 and ends them by 60 % of a 90 s load; its bound is 240 s
 * because 20/s is more than the local pipeline drains on a shared 2-core machine (~12 orders/s measured), so the
 * backlog of a 45 s outage plus a 30 s hang takes minutes to drain even when nothing is stranded; and since a 503
 * is retried for 30 s, the orders a Postgres outage used to refuse are now accepted and join that backlog (the
 * README's fault-campaign row has the recoveries measured inside `npm test`).
 */
function settings(ctx: RunContext): Settings {
  const params = drillParams(ctx, {
    seed: 'the fault schedule, default 12',
    rate: 'orders per second, default 50 (quick 20)',
  });
  const seed = params.number('seed') ?? 12;
  const s = ctx.quick
    ? { ratePerSecond: 20, loadMs: 90_000, scale: 0.25, boundSeconds: 240, fill: 0.6, seed }
    : { ratePerSecond: 50, loadMs: 600_000, scale: 1, boundSeconds: 300, fill: 0.85, seed };
  // Full-length faults under a load the machine can drain: on 2 cores every hop together confirms ~19 orders/s
  // (drills/cdc-latency/README.md), so 50/s measures the backlog, not the fault handling. The report says the rate.
  return { ...s, ratePerSecond: params.number('rate') ?? s.ratePerSecond };
}

/** A drill cloud of its own; quick mode compresses the consumers' timeouts and the reconciler (said in the report). */
async function prepare(ctx: RunContext, s: Settings): Promise<DrillCloud & { stop(): Promise<void> }> {
  if (!ctx.quick) return startIsolatedCloud(DRILL, ctx, () => ({}));
  const reconcileRule = scheduleOf(localAppTemplate(), RECONCILE_ENTRY);
  return startIsolatedCloud(DRILL, ctx, () => ({
    adjustTemplate: fastConsumers(10, 25),
    localEnv: { RECONCILE_DEADLINE_SECONDS: String(Math.round(120 * s.scale)) },
    scheduleOverrides: { [reconcileRule]: Math.round(60_000 * s.scale) },
  }));
}

/** Runs one planned fault through the fault log (which records its real start and end). */
function injectOne(
  drill: DrillCloud,
  parts: CampaignParts,
  log: FaultLog,
  fault: PlannedFault,
  kills: number,
) {
  const d = fault.durationMs;
  switch (fault.kind) {
    case 'postgres-kill':
      return log.kill(fault.kind, parts.postgres, d);
    case 'postgres-freeze':
      return log.freeze(fault.kind, parts.postgres, d);
    case 'debezium-kill':
      return log.kill(fault.kind, parts.debezium, d);
    case 'dynamodb-freeze':
      return log.freeze(fault.kind, parts.dynamodb, d);
    case 'gateway-outage':
    case 'gateway-hang':
      return log.around(fault.kind, 'payment gateway', async () => {
        await parts.gateway(fault.kind === 'gateway-outage' ? 'outage' : 'hang');
        try {
          await sleep(d);
        } finally {
          await parts.gateway(undefined);
        }
      });
    case 'lambda-kill': {
      const entry = KILLED_FUNCTIONS[kills % KILLED_FUNCTIONS.length]!;
      const fn = functionIdByEntry(drill.cloud.template, entry);
      return log.instant(fault.kind, fn, () => drill.cloud.runtime.killWorkers(fn));
    }
  }
}

/** The lanes side by side, each lane's faults one after another; a failed injection is reported, not fatal. */
async function inject(
  ctx: RunContext,
  drill: DrillCloud,
  parts: CampaignParts,
  log: FaultLog,
  lanes: PlannedFault[][],
): Promise<string[]> {
  const errors: string[] = [];
  let kills = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      for (const fault of lane) {
        await sleep(fault.gapBeforeMs);
        ctx.log(`  fault ${fault.kind} for ${(fault.durationMs / 1000).toFixed(1)} s …`);
        const kill = fault.kind === 'lambda-kill' ? kills++ : kills;
        await injectOne(drill, parts, log, fault, kill)?.catch((error: unknown) => {
          errors.push(`${fault.kind}: ${(error as Error).message}`);
        });
        ctx.log(`  fault ${fault.kind} cleared`);
      }
    }),
  );
  return errors;
}

/** Load and faults together, then the wait for every accepted order to settle (bounded). */
async function observe(ctx: RunContext, drill: DrillCloud, parts: CampaignParts, log: FaultLog, s: Settings) {
  const { cloud } = drill;
  const startedAt = Date.now();
  const stopSampling = new AbortController();
  const sampling = sampleStates(cloud.database.admin, CUSTOMER, startedAt, 2000, stopSampling.signal);
  const place = apiOrders(cloud.endpoints.api, CUSTOMER);
  const offered = Math.floor((s.ratePerSecond * s.loadMs) / 1000);
  const bar = ctx.progress('fault-campaign accepted orders', offered);
  const lanes = planCampaign({ seed: s.seed, windowMs: s.loadMs, scale: s.scale, fill: s.fill });
  const [load, injectErrors] = await Promise.all([
    openLoop({ ratePerSecond: s.ratePerSecond, durationMs: s.loadMs, place, onAccepted: () => bar.tick() }),
    inject(ctx, drill, parts, log, lanes),
  ]);
  bar.done();
  const lastClear = Math.max(Date.now(), ...log.records.map((f) => f.end));
  ctx.log(
    `  load done (${load.accepted.length} accepted); waiting up to ${s.boundSeconds} s for orders to settle`,
  );
  const ids = load.accepted.map((o) => o.id);
  const observedUntil = await waitDrained(cloud, ids, lastClear + s.boundSeconds * 1000);
  stopSampling.abort();
  const samples = await sampling;
  return { startedAt, load, lanes, injectErrors, samples, observedUntil };
}

/** The invariants over what was collected, as the report and its readable form. */
async function verdict(
  ctx: RunContext,
  drill: DrillCloud,
  log: FaultLog,
  s: Settings,
  seen: {
    startedAt: number;
    load: LoadResult;
    lanes: PlannedFault[][];
    injectErrors: string[];
    samples: StateSample[];
    observedUntil: number;
  },
): Promise<{ report: Report; readable: ReadableReport }> {
  const accepted: AcceptedOrder[] = seen.load.accepted;
  const { evidence, dlqReasons } = await collectEvidence(
    drill.cloud,
    accepted,
    log.records,
    seen.observedUntil,
  );
  const rules = { recoveryBoundSeconds: s.boundSeconds, expectedPages, pageGraceMs: PAGE_GRACE_MS };
  const judged = judge(evidence, rules);
  const rel = (ms: number) => Math.round((ms - seen.startedAt) / 100) / 10;
  const alarmsFired: Record<string, number> = {};
  for (const page of evidence.pages) alarmsFired[page.alarmName] = (alarmsFired[page.alarmName] ?? 0) + 1;
  const checks = { ...judged.checks, 'every fault was injected': seen.injectErrors.length === 0 };
  const report: Report = {
    drill: DRILL,
    passed: judged.passed && seen.injectErrors.length === 0,
    metrics: {
      faults: log.records.map((f) => ({ kind: f.kind, start: rel(f.start), end: rel(f.end) })),
      ordersOffered: seen.load.offered,
      ordersRefused: seen.load.refused.length,
      ...judged.metrics,
      alarmsFired,
    },
    evidence: {
      quick: ctx.quick,
      settings: s,
      checks,
      plannedLanes: seen.lanes,
      faults: log.records,
      injectErrors: seen.injectErrors,
      detail: judged.detail,
      dlqDepths: evidence.dlqDepths,
      dlqReasons,
      refusedStatuses: countStatuses(seen.load.refused.map((r) => r.lastStatus)),
      functions: drill.cloud.runtime.stats().functions,
      samples: seen.samples,
    },
  };
  const chart = statesChart(seen.samples, log.records, seen.startedAt);
  const summary = {
    quick: ctx.quick,
    seed: s.seed,
    scale: s.scale,
    ratePerSecond: s.ratePerSecond,
    loadSeconds: s.loadMs / 1000,
    boundSeconds: s.boundSeconds,
    checks,
    dlqReasons,
  };
  return { report, readable: readableReport(report, summary, chart, log.records, seen.startedAt) };
}

function countStatuses(statuses: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const s = settings(ctx);
  const drill = await prepare(ctx, s);
  const log = new FaultLog();
  let parts: CampaignParts | undefined;
  try {
    parts = campaignParts(drill.cloud, drill.dir);
    const seen = await observe(ctx, drill, parts, log, s);
    return await verdict(ctx, drill, log, s, seen);
  } finally {
    // A frozen process would block the clean-up; restarted processes are the campaign's own to stop.
    log.thawAll();
    await parts?.stop();
    await drill.stop();
  }
}
