import { percentile, round } from '../kit/stats.ts';
import { GOAL_RATIO, type Mode } from './plan.ts';

/** One order of the load: when it committed, and when the payment consumer settled it (`updated_at`). */
export interface OrderTiming {
  createdAtMs: number;
  appliedAtMs?: number;
}

/** A span of wall-clock time, `from` inclusive, `to` exclusive. */
export interface Span {
  from: number;
  to: number;
}

export interface LatencyInSpan {
  orders: number;
  /** Commit → applied p99 of the span's applied orders; null when none was placed in it. */
  p99Ms: number | null;
}

/**
 * The order latency of the orders committed in `span`. An order still pending when the drill stopped waiting
 * (`gaveUpAt`) counts with the time it had waited by then: a lower bound, so a stuck order raises the p99
 * instead of dropping out of it.
 */
export function latencyIn(orders: readonly OrderTiming[], span: Span, gaveUpAt: number): LatencyInSpan {
  const inSpan = orders.filter((o) => o.createdAtMs >= span.from && o.createdAtMs < span.to);
  const waited = inSpan.map((o) => (o.appliedAtMs ?? gaveUpAt) - o.createdAtMs);
  return { orders: inSpan.length, p99Ms: waited.length === 0 ? null : round(percentile(waited, 99)) };
}

export interface LatencyVerdict {
  beforeP99Ms: number | null;
  duringP99Ms: number | null;
  /** during / before; null when either is missing. */
  ratio: number | null;
  goalMet: boolean;
}

/**
 * The goal of the issue: the order p99 during the flurry within `GOAL_RATIO` × the p99 before it. A window without
 * orders cannot show the goal was met.
 */
export function latencyVerdict(before: LatencyInSpan, during: LatencyInSpan): LatencyVerdict {
  if (before.p99Ms === null || during.p99Ms === null)
    return { beforeP99Ms: before.p99Ms, duringP99Ms: during.p99Ms, ratio: null, goalMet: false };
  // A floor of 1 ms: a zero "before" must not make every "during" a miss.
  const ratio = during.p99Ms / Math.max(before.p99Ms, 1);
  return {
    beforeP99Ms: before.p99Ms,
    duringP99Ms: during.p99Ms,
    ratio: round(ratio, 2),
    goalMet: ratio <= GOAL_RATIO,
  };
}

/** What one mode's run showed. */
export interface ModeResult {
  mode: Mode;
  latency: LatencyVerdict;
  /** The router routed the whole migration (a plain change committed after it was handled) within the band. */
  routerCaughtUp: boolean;
  /** Summary events for the migration (`skip` rules). */
  summaries: number;
  /** Rows the summary counted (marked), or 0. */
  summaryRows: number;
  /** Slot alarms that paged during the band. */
  slotPages: number;
  /** Seconds from the migration's commit to the router's flurry detection (null: not detected). */
  flurryDetectedSeconds: number | null;
  /** The flurry alarm went to ALARM after the migration started. */
  flurryPaged: boolean;
}

export interface Checks {
  /** What the change rules do with the migration: must hold in every run. */
  mechanics: Record<string, boolean>;
  /** The order path's goals: gated in the full run only (see `passed`). */
  goals: Record<string, boolean>;
}

/**
 * Named checks. Mechanics: the router routed each migration within its band; marked: one summary counting every
 * row, no slot page while it drains, not taken for a flurry; unmarked: the flurry detected and paged, no summary.
 * Goals: the order p99 during ≤ 2× before in each mode, and every order of the load applied.
 */
export function checks(
  results: readonly ModeResult[],
  rows: number,
  ordersNotApplied: number,
  ordersFailed: number,
): Checks {
  const mechanics: Record<string, boolean> = {};
  const goals: Record<string, boolean> = {
    'every order of the load placed and applied': ordersNotApplied === 0 && ordersFailed === 0,
  };
  for (const r of results) {
    goals[`${r.mode}: order p99 during ≤ ${GOAL_RATIO}× before`] = r.latency.goalMet;
    mechanics[`${r.mode}: the router routed the whole migration within the band`] = r.routerCaughtUp;
    if (r.mode === 'marked') {
      mechanics['marked: one summary event counting every row'] = r.summaries === 1 && r.summaryRows === rows;
      mechanics['marked: no slot alarm paged while it drained'] = r.slotPages === 0;
      mechanics['marked: not taken for an unmarked flurry, no flurry page'] =
        r.flurryDetectedSeconds === null && !r.flurryPaged;
    } else {
      mechanics['unmarked: the flurry was detected and paged'] =
        r.flurryDetectedSeconds !== null && r.flurryPaged;
      mechanics['unmarked: no summary (a flurry is throttled, never skipped)'] = r.summaries === 0;
    }
  }
  return { mechanics, goals };
}

/**
 * Every mechanics check, and in the full run every goal. A quick run reports its goals without gating them, as
 * `npm test` treats the benches' speed goals: on the shared 2-core machine the local order pipeline fell behind
 * even 5 orders/s before any migration started (README.md), so a quick run's p99 measures the machine's backlog.
 */
export function passed(all: Checks, quick: boolean): boolean {
  const ok = (r: Record<string, boolean>) => Object.values(r).every(Boolean);
  return ok(all.mechanics) && (quick || ok(all.goals));
}
