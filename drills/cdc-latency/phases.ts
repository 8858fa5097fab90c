import type { SqlClient } from '../../lambdas/shared/db/sql-client.ts';
import type { DebeziumServer } from '../../localstack/cloud/debezium/index.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { RunContext } from '../kit/context.ts';
import {
  APPLIED,
  type Breakdown,
  breakdown,
  cpuPercent,
  KINESIS,
  type RateResult,
  rateResult,
  type Sample,
} from './breakdown.ts';
import { restartOutboxWith } from './connector.ts';
import { cpuSeconds } from './cpu.ts';
import { anchors, goalP99Ms, goalRate, whatIfPollMs } from './goal.ts';
import { offer, settle, warmUp } from './offer.ts';

/** What the bench drives: the cloud, its app pool, and the orders being timed. */
export interface Bench {
  cloud: LocalCloud;
  cloudState: string;
  db: SqlClient;
  byOrder: Map<string, Sample>;
  /** The outbox connector once a phase restarted it (the cloud's own is stopped then); stopped at the end. */
  whatIfServer?: DebeziumServer;
}

export type ChartRow = { rate: string; measure: string; percentile: string; ms: number };

/** What the phases measured, in the order they ran. */
export interface Measured {
  rates: RateResult[];
  whatIf?: RateResult & { pollIntervalMs: number };
  breakdowns: Breakdown[];
  chartRows: ChartRow[];
}

interface Phase {
  rate: number;
  seconds: number;
  label: string;
  /** Restart the outbox connector with this extra environment first ({} = the template's settings again). */
  restart?: Record<string, string>;
  whatIf: boolean;
}

/**
 * The what-if runs right after the first rate, at that rate, before any phase can leave a backlog behind; then the
 * connector goes back to the template's settings for the higher rates.
 */
export function phasePlan(plan: Array<{ rate: number; seconds: number }>): Phase[] {
  const [first, ...rest] = plan.map((p) => ({ ...p, label: `${p.rate}/s`, whatIf: false }));
  return [
    first!,
    {
      ...first!,
      label: `${first!.rate}/s, poll ${whatIfPollMs} ms`,
      restart: { DEBEZIUM_SOURCE_POLL_INTERVAL_MS: String(whatIfPollMs) },
      whatIf: true,
    },
    ...rest.map((p, i) => (i === 0 ? { ...p, restart: {} } : p)),
  ];
}

/** Warms up, then runs every phase in turn; the figures go into `measured`. */
export async function runPhases(ctx: RunContext, bench: Bench, phases: Phase[], measured: Measured) {
  // Warm-up: pool connections, plans, and the router Lambda's cold start stay out of the figures.
  await warmUp(bench.db, bench.byOrder);
  const bar = ctx.progress('cdc-latency', phases.length);
  for (const phase of phases) {
    if (phase.restart) {
      ctx.log(`restarting the outbox connector with ${JSON.stringify(phase.restart)}`);
      await bench.whatIfServer?.stop();
      bench.whatIfServer = await restartOutboxWith(bench.cloud, bench.cloudState, phase.restart);
      await warmUp(bench.db, bench.byOrder);
    }
    const { b, result } = await measurePhase(ctx, bench, phase);
    measured.breakdowns.push(b);
    if (phase.whatIf) measured.whatIf = { ...result, pollIntervalMs: whatIfPollMs };
    else measured.rates.push(result);
    measured.chartRows.push(...chartRows(phase.label, b));
    logPhase(ctx, phase.label, b, result);
    bar.tick();
  }
  bar.done();
}

/** One phase: the open-loop load, settling, and the breakdown with the CPU each process used meanwhile. */
async function measurePhase(ctx: RunContext, bench: Bench, { rate, seconds, label }: Phase) {
  const samples: Sample[] = [];
  const cpuBefore = cpuSeconds(bench.cloud.pids());
  const phaseStarted = Date.now();
  // Key: the order id (one OrderPlaced event per order; placeOrder returns the order, not the event id).
  const { sent, failed, windowMs } = await offer(bench.db, rate, seconds, (id, s) => {
    bench.byOrder.set(id, s);
    samples.push(s);
  });
  await settle(samples, ctx.quick ? 30_000 : 90_000);
  const whatIfPid = bench.whatIfServer?.process.child.pid;
  const cpuAfter = cpuSeconds([...bench.cloud.pids(), ...(whatIfPid ? [whatIfPid] : [])]);
  const b = breakdown(label, rate, samples, sent, failed);
  b.cpuPercent = cpuPercent(cpuBefore, cpuAfter, (Date.now() - phaseStarted) / 1000);
  return { b, result: rateResult(b, windowMs) };
}

function chartRows(label: string, b: Breakdown): ChartRow[] {
  const rows: ChartRow[] = [];
  for (const [measure, s] of [
    ['commit → Kinesis', b.stages[KINESIS]!],
    ['commit → payment queue', b.stages[APPLIED]!],
  ] as const)
    for (const p of ['p50', 'p90', 'p99'] as const)
      rows.push({ rate: label, measure, percentile: p, ms: s[p] });
  return rows;
}

function logPhase(ctx: RunContext, label: string, b: Breakdown, result: RateResult) {
  const kinesis = b.stages[KINESIS]!;
  const applied = b.stages[APPLIED]!;
  ctx.log(
    `${label}: achieved ${result.achieved}/s, commit→Kinesis p50 ${kinesis.p50} ms p99 ${kinesis.p99} ms, ` +
      `commit→queue p50 ${applied.p50} ms p99 ${applied.p99} ms ` +
      `(anchors: Sequin ${anchors.sequin.avgMs}/${anchors.sequin.p99Ms} ms, Debezium Server ` +
      `${anchors.debeziumServer.avgMs}/${anchors.debeziumServer.p99Ms} ms avg/p99; goal p99 ≤ ${goalP99Ms} ms at ${goalRate}/s)`,
  );
  if (b.missingKinesis || b.missingQueue || b.failed)
    ctx.log(
      `  missing: ${b.missingKinesis} in Kinesis, ${b.missingQueue} in the queue, ${b.failed} failed writes`,
    );
}
