import { z } from 'zod';
import { defaultTolerance, type Figure, flattenMetrics, formatValue } from './figures.ts';
import type { RecordedResult } from './results.ts';

/** `drills/results/acknowledged.json`: regressions accepted on purpose, each with its reason. */
export const acknowledgedSchema = z.array(
  z.strictObject({ drill: z.string(), metric: z.string(), reason: z.string().min(1) }),
);
export type Acknowledged = z.infer<typeof acknowledgedSchema>;

export interface Move {
  metric: string;
  before: unknown;
  after: unknown;
  /** (after − before) / |before|; ±Infinity from 0. */
  change: number;
  kind: 'regression' | 'improvement' | 'moved';
  /** The reason, when this regression is acknowledged. */
  acknowledged?: string;
}

export type Comparison =
  | { drill: string; compared: true; moves: Move[] }
  | { drill: string; compared: false; why: string };

function relativeChange(before: number, after: number): number {
  if (before === after) return 0;
  if (before === 0) return after > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return (after - before) / Math.abs(before);
}

/**
 * Every numeric metric of `current` that moved against `baseline` by more than its tolerance, and the verdict if
 * it flipped. A move against a figure's `better` direction is a regression; figures without one just moved. Runs of
 * different modes (quick against full) are not compared.
 */
export function compareResults(
  baseline: RecordedResult | undefined,
  current: RecordedResult,
  figures: readonly Figure[],
  acknowledged: Acknowledged = [],
): Comparison {
  const drill = current.drill;
  if (!baseline) return { drill, compared: false, why: 'nothing committed to compare with' };
  if (baseline.mode !== current.mode)
    return { drill, compared: false, why: `committed run is ${baseline.mode}, this one ${current.mode}` };
  const declared = new Map(figures.map((f) => [f.metric, f]));
  const before = flattenMetrics(baseline.metrics);
  const moves: Move[] = [];
  if (baseline.passed && !current.passed)
    moves.push({ metric: 'passed', before: true, after: false, change: -1, kind: 'regression' });
  for (const [metric, after] of flattenMetrics(current.metrics)) {
    const was = before.get(metric);
    if (typeof after !== 'number' || typeof was !== 'number') continue;
    const figure = declared.get(metric);
    const change = relativeChange(was, after);
    if (Math.abs(change) <= (figure?.tolerance ?? defaultTolerance)) continue;
    const kind = !figure?.better
      ? 'moved'
      : (figure.better === 'higher') === change > 0
        ? 'improvement'
        : 'regression';
    moves.push({ metric, before: was, after, change, kind });
  }
  for (const move of moves) {
    if (move.kind !== 'regression') continue;
    move.acknowledged = acknowledged.find((a) => a.drill === drill && a.metric === move.metric)?.reason;
  }
  return { drill, compared: true, moves };
}

/** Regressions nobody acknowledged: these fail the run. */
export const unacknowledged = (comparisons: readonly Comparison[]): Move[] =>
  comparisons.flatMap((c) =>
    c.compared ? c.moves.filter((m) => m.kind === 'regression' && !m.acknowledged) : [],
  );

/** One line per move, for the terminal. */
export function describeComparison(c: Comparison): string[] {
  if (!c.compared) return [`${c.drill}: not compared (${c.why})`];
  if (c.moves.length === 0) return [`${c.drill}: nothing moved beyond its tolerance`];
  return c.moves.map((m) => {
    const pct = Number.isFinite(m.change)
      ? `${m.change > 0 ? '+' : ''}${(m.change * 100).toFixed(0)} %`
      : 'from 0';
    const tag =
      m.kind === 'regression' ? (m.acknowledged ? `acknowledged: ${m.acknowledged}` : 'REGRESSION') : m.kind;
    return `${c.drill} ${m.metric}: ${formatValue(m.before)} → ${formatValue(m.after)} (${pct}) ${tag}`;
  });
}
