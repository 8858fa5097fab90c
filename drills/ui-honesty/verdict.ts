import { percentile, round } from '../kit/stats.ts';
import type { Observation } from './observer.ts';
import type { Submit } from './submit.ts';

/** Click → the new order's row showing pending, at p99, for submits whose answer arrived. */
export const PENDING_BUDGET_MS = 200;

/** The customer's orders as Postgres has them at the end. */
export interface DbOrder {
  id: string;
  status: string;
  updated_at: Date;
  idempotency_key: string | null;
}

/** What the drill saw: the page's submits and stamped status changes, Postgres's rows, the on-call panel. */
export interface Seen {
  submits: Submit[];
  observations: Observation[];
  dbOrders: DbOrder[];
  /** Every order row showed a settled status before the wait ran out. */
  settled: boolean;
  /** The on-call panel matched the gauges API before and after the probe figures were published. */
  onCallConsistent: boolean;
  /** Gauges of the last on-call panel whose chart was drawn, at a readable size, with at least one threshold rule. */
  onCallChartsWithThresholds: number;
}

/** The panel's gauges: each must show its chart with its thresholds. */
export const ON_CALL_GAUGES = 4;

/**
 * Compares what the page showed with what Postgres said, when. Passes when every submit showed its order, every
 * row settled, no `confirmed` was shown before Postgres committed it, every refetch fell inside the window and
 * kept the row, no submit made two orders, pending showed within PENDING_BUDGET_MS at p99, the declined order
 * showed "Payment failed", and the on-call panel matched the API and drew all four charts with their threshold
 * rules.
 *
 * `latency: 'report'` (quick mode, inside `npm test`) reports the p99 against its budget without failing on it:
 * speed is judged by full runs on a quiet machine, never by a timed test sharing two cores with the suite.
 */
export function judge(seen: Seen, latency: 'gate' | 'report' = 'gate') {
  const { submits, observations } = seen;
  const byId = new Map(seen.dbOrders.map((r) => [r.id, r]));
  const premature = observations
    .filter((o) => o.status === 'confirmed')
    .filter((o) => {
      const row = byId.get(o.id);
      return row?.status !== 'confirmed' || o.t < row.updated_at.getTime();
    });
  const failedShown = observations.some((o) => o.status === 'payment_failed');
  const duplicateOrders = seen.dbOrders.length - submits.length;
  // The 200 ms promise is for a submit whose answer arrives; a lost answer adds the retry's back-off (reported apart).
  const pendingTimes = submits.flatMap((s) =>
    s.pendingShownMs === undefined || s.kind === 'lost-answer' ? [] : [s.pendingShownMs],
  );
  const lostAnswerShownMs = submits.find((s) => s.kind === 'lost-answer')?.pendingShownMs ?? null;
  const lostOnRefetch = submits.filter((s) => s.refetch && !s.refetch.rowKept).length;
  const windowHits = submits.filter((s) => s.refetch && !s.refetch.listHadOrder).length;
  const pendingShownMsP99 = round(percentile(pendingTimes, 99));
  const pendingWithinBudget = pendingShownMsP99 <= PENDING_BUDGET_MS;
  const passed =
    submits.every((s) => s.orderId !== undefined) &&
    seen.settled &&
    premature.length === 0 &&
    lostOnRefetch === 0 &&
    windowHits === submits.length &&
    duplicateOrders === 0 &&
    (pendingWithinBudget || latency === 'report') &&
    failedShown &&
    seen.onCallConsistent &&
    seen.onCallChartsWithThresholds === ON_CALL_GAUGES;
  const metrics = {
    orders: submits.length,
    prematureConfirmations: premature.length,
    ordersLostOnRefetch: lostOnRefetch,
    duplicateOrders,
    pendingShownMsP99,
    pendingShownMsMax: round(Math.max(...pendingTimes)),
    pendingBudgetMs: PENDING_BUDGET_MS,
    pendingWithinBudget,
    latencyJudged: latency === 'gate',
    pendingShownAfterLostAnswerMs: lostAnswerShownMs,
    refetchesInsideWindow: windowHits,
    paymentFailureShown: failedShown,
    onCallPanelMatchesApi: seen.onCallConsistent,
    onCallChartsWithThresholds: seen.onCallChartsWithThresholds,
  };
  return { passed, metrics, premature };
}
