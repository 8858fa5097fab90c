import type { ChartSpec } from '../kit/chart.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { type FlurryPlan, GOAL_RATIO, type Mode } from './plan.ts';
import type { Checks, OrderTiming } from './verdict.ts';

/** A flurry band on the chart: from the migration's start until the router had routed it. */
export interface Band {
  mode: Mode;
  from: number;
  to: number;
}

/** Commit → applied latency of every order over time, each flurry a band. */
export function latencyChart(
  orders: readonly OrderTiming[],
  bands: readonly Band[],
  startedAt: number,
  gaveUpAt: number,
): ChartSpec {
  const seconds = (ms: number) => Math.round((ms - startedAt) / 100) / 10;
  // An order still pending when the drill stopped waiting is drawn at the time it had waited by then.
  const points = orders.map((o) => ({
    t: seconds(o.createdAtMs),
    latencyMs: Math.round((o.appliedAtMs ?? gaveUpAt) - o.createdAtMs),
    order: o.appliedAtMs === undefined ? 'still pending (waited so far)' : 'applied',
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 640,
    height: 260,
    layer: [
      {
        data: {
          values: bands.map((b) => ({
            flurry: `${b.mode} migration`,
            from: seconds(b.from),
            to: seconds(b.to),
          })),
        },
        mark: { type: 'rect', opacity: 0.18 },
        encoding: {
          x: { field: 'from', type: 'quantitative', title: 'seconds since the order load started' },
          x2: { field: 'to' },
          color: { field: 'flurry', type: 'nominal', legend: { orient: 'right', title: 'flurry' } },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', size: 12, filled: true },
        encoding: {
          x: { field: 't', type: 'quantitative' },
          y: { field: 'latencyMs', type: 'quantitative', title: 'order commit → applied (ms)' },
          shape: { field: 'order', type: 'nominal', legend: { orient: 'bottom', title: 'order' } },
        },
      },
    ],
  };
}

export function readableReport(
  report: Report,
  plan: FlurryPlan,
  quick: boolean,
  checks: Checks,
  chart: ChartSpec,
): ReadableReport {
  const m = report.metrics as {
    bulkRows: number;
    orderAppliedP99Ms: Record<Mode, { before: number | null; during: number | null; ratio: number | null }>;
    eventsDelivered: Record<
      Mode,
      { summaries: number; rowEvents: number; rowEventsPerSecond: number | null }
    >;
    routerCaughtUpSeconds: Record<Mode, number | null>;
    slotRetainedMaxBytes: number;
    flurryDetectedSeconds: number | null;
  };
  const mode = (name: Mode) => {
    const l = m.orderAppliedP99Ms[name];
    const e = m.eventsDelivered[name];
    return `- **${name}**: order p99 ${l.before} ms before, ${l.during} ms during (×${l.ratio}); the router had routed the migration ${m.routerCaughtUpSeconds[name]} s after its commit; ${e.summaries} summary event(s), ${e.rowEvents} row events delivered on the throttled lane meanwhile (${e.rowEventsPerSecond}/s).`;
  };
  return {
    title: 'Drill: bulk-flurry — a bulk migration does not flood the consumers or delay the orders',
    summary: [
      `Orders flow at **${plan.ordersPerSecond}/s** into the order store (order + outbox, the order pipeline applies them) while a migration updates **${m.bulkRows.toLocaleString('en-US')}** rows of \`customers\`, a table the change rules capture, in one transaction: first **marked** as bulk (\`pg_logical_emit_message(true, 'holdline.bulk', …)\` first), then **unmarked**. ${quick ? 'Quick mode: fewer rows and a lower order rate than the issue asks (drills/bulk-flurry/README.md says why).' : ''}`,
      `A flurry band runs from the migration's start until a plain sign-up committed right after it got its welcome mail: the change router reads one shard in order, so by then it had routed the whole migration. "Before" is the ${plan.beforeSeconds} s before the migration. The goal: order p99 during ≤ ${GOAL_RATIO}× before.`,
      mode('marked'),
      mode('unmarked'),
      `The unmarked flurry was detected ${m.flurryDetectedSeconds} s after its commit. The rules slot retained at most ${m.slotRetainedMaxBytes.toLocaleString('en-US')} bytes of WAL.`,
    ].join('\n\n'),
    charts: [{ name: 'latency', caption: 'Order latency over time, each flurry as a band', spec: chart }],
    sections: [
      {
        heading: 'Checks',
        body: [
          ...Object.entries(checks.mechanics).map(([name, ok]) => `- ${ok ? '✅' : '❌'} ${name}`),
          ...Object.entries(checks.goals).map(
            ([name, ok]) =>
              `- ${ok ? '✅' : '❌'} ${name}${quick ? ' (a goal: reported, not gated in quick mode)' : ''}`,
          ),
        ].join('\n'),
      },
    ],
  };
}
