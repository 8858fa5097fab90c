import { percentile, round } from '../kit/stats.ts';

/** One RSS reading: ms since the load started, MB by process label. */
export interface RssReading {
  atMs: number;
  mb: Record<string, number>;
}

/** One order: ms since the load started when it committed, and its commit → applied latency (undefined: not applied). */
export interface Timed {
  atMs: number;
  latencyMs: number | undefined;
}

export interface LatencyWindow {
  /** Window start, s since the load started. */
  fromS: number;
  orders: number;
  p50Ms: number;
  p99Ms: number;
}

/** p50/p99 of commit → applied per window of `windowMs`, by commit time. */
export function latencyWindows(orders: readonly Timed[], windowMs: number, totalMs: number): LatencyWindow[] {
  const windows: LatencyWindow[] = [];
  for (let from = 0; from < totalMs; from += windowMs) {
    const inWindow = orders
      .filter((o) => o.atMs >= from && o.atMs < from + windowMs)
      .map((o) => o.latencyMs)
      .filter((v): v is number => v !== undefined);
    windows.push({
      fromS: from / 1000,
      orders: inWindow.length,
      p50Ms: round(percentile(inWindow, 50)),
      p99Ms: round(percentile(inWindow, 99)),
    });
  }
  return windows;
}

/**
 * Memory growth per process after warm-up: the mean of the last window's readings over the mean of the first
 * window after `warmUpMs`, minus one (0.1 = 10% more).
 */
export function memoryGrowth(
  readings: readonly RssReading[],
  warmUpMs: number,
  windowMs: number,
): Record<string, number> {
  const after = readings.filter((r) => r.atMs >= warmUpMs);
  if (after.length === 0) return {};
  const lastAt = after[after.length - 1]!.atMs;
  const first = after.filter((r) => r.atMs < warmUpMs + windowMs);
  const last = after.filter((r) => r.atMs > lastAt - windowMs);
  const mean = (rs: readonly RssReading[], label: string) =>
    rs.reduce((sum, r) => sum + (r.mb[label] ?? 0), 0) / (rs.length || 1);
  const out: Record<string, number> = {};
  for (const label of Object.keys(after[0]!.mb)) {
    const base = mean(first, label);
    if (base > 0) out[label] = round(mean(last, label) / base - 1, 3);
  }
  return out;
}

/**
 * The p99 trend over the windows after warm-up: the least-squares line's rise from the first to the last window,
 * as a share of the median window p99 (0.25 = p99 drifted up by a quarter over the run). NaN for under 2 windows.
 */
export function latencyTrend(windows: readonly LatencyWindow[]): number {
  const points = windows.filter((w) => Number.isFinite(w.p99Ms));
  if (points.length < 2) return Number.NaN;
  const xs = points.map((_, i) => i);
  const ys = points.map((w) => w.p99Ms);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope =
    xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return round((slope * (points.length - 1)) / percentile(ys, 50), 3);
}

export const maxMemoryGrowth = 0.1;
export const maxLatencyTrend = 0.25;

/** Pass: nothing lost, nothing charged twice, every judged process under 10% growth, p99 without an upward trend. */
export function soakPassed(input: {
  lost: number;
  doubleCharges: number;
  growth: Record<string, number>;
  trend: number;
}): boolean {
  return (
    input.lost === 0 &&
    input.doubleCharges === 0 &&
    Object.values(input.growth).every((g) => g < maxMemoryGrowth) &&
    Number.isFinite(input.trend) &&
    input.trend < maxLatencyTrend
  );
}
