import type { SqlClient } from '../../lambdas/shared/db/sql-client.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { RunContext } from '../kit/context.ts';
import { cpuSeconds } from '../kit/processes.ts';
import {
  APPLIED,
  type Breakdown,
  breakdown,
  cpuPercent,
  HOPS,
  KINESIS,
  type RateResult,
  rateResult,
  type Sample,
} from './breakdown.ts';
import { goalAppliedP99Ms, goalP99Ms, goalRate } from './goal.ts';
import type { PipelineStamps } from './observe.ts';
import { offer, settle, warmUp } from './offer.ts';

/** What the bench drives: the cloud, its app pool, and the orders being timed. */
export interface Bench {
  cloud: LocalCloud;
  db: SqlClient;
  stamps: PipelineStamps;
}

export type ChartRow = { rate: string; measure: string; percentile: string; ms: number };

/** What the phases measured, in the order they ran. */
export interface Measured {
  rates: RateResult[];
  breakdowns: Breakdown[];
  chartRows: ChartRow[];
}

interface Phase {
  rate: number;
  seconds: number;
}

/** Warms up, then runs every phase in turn; the figures go into `measured`. */
export async function runPhases(
  ctx: RunContext,
  bench: Bench,
  phases: Phase[],
  measured: Measured,
  settleMs: number,
) {
  // Warm-up: pool connections, plans, and the Lambdas' cold starts stay out of the figures.
  await warmUp(bench.db, (id, s) => bench.stamps.track(id, s));
  const bar = ctx.progress('cdc-latency', phases.length);
  for (const phase of phases) {
    const { b, result } = await measurePhase(bench, phase, settleMs);
    measured.breakdowns.push(b);
    measured.rates.push(result);
    measured.chartRows.push(...chartRows(b));
    logPhase(ctx, b, result);
    bar.tick();
  }
  bar.done();
}

/** One phase: the open-loop load, settling, and the breakdown with the CPU each process used meanwhile. */
async function measurePhase(bench: Bench, { rate, seconds }: Phase, settleMs: number) {
  const samples: Sample[] = [];
  const cpuBefore = cpuSeconds(bench.cloud.pids());
  const phaseStarted = Date.now();
  // Key: the order id (one OrderPlaced event per order; placeOrder returns the order, not the event id).
  const { sent, failed, windowMs } = await offer(bench.db, rate, seconds, (id, s) => {
    bench.stamps.track(id, s);
    samples.push(s);
  });
  await settle(samples, settleMs);
  const cpuAfter = cpuSeconds(bench.cloud.pids());
  const b = breakdown(`${rate}/s`, rate, samples, sent, failed);
  b.cpuPercent = cpuPercent(cpuBefore, cpuAfter, (Date.now() - phaseStarted) / 1000);
  return { b, result: rateResult(b, windowMs) };
}

/** p50 and p99 of every hop and of the two end-to-end measures, per rate. */
function chartRows(b: Breakdown): ChartRow[] {
  const rows: ChartRow[] = [];
  for (const measure of [...HOPS, KINESIS, APPLIED])
    for (const p of ['p50', 'p99'] as const)
      rows.push({ rate: b.label, measure, percentile: p, ms: b.stages[measure]![p] });
  return rows;
}

function logPhase(ctx: RunContext, b: Breakdown, result: RateResult) {
  const kinesis = b.stages[KINESIS]!;
  const applied = b.stages[APPLIED]!;
  ctx.log(
    `${b.label}: achieved ${result.achieved}/s, applied ${result.appliedPerSec}/s, commit→Kinesis p50 ${kinesis.p50} ms ` +
      `p99 ${kinesis.p99} ms, commit→applied p50 ${applied.p50} ms p99 ${applied.p99} ms ` +
      `(goals at ${goalRate}/s: p99 ≤ ${goalP99Ms} ms and ≤ ${goalAppliedP99Ms} ms)`,
  );
  if (b.missingKinesis || b.missingApplied || b.failed)
    ctx.log(
      `  missing: ${b.missingKinesis} in Kinesis, ${b.missingQueue} not received by the consumer, ` +
        `${b.missingApplied} not applied, ${b.failed} failed writes`,
    );
}
