import { describe, expect, it } from 'vitest';
import { latencyTrend, latencyWindows, memoryGrowth, soakPassed } from './verdict.ts';

describe('latencyWindows', () => {
  it('takes p99 per window by commit time, skipping orders not applied', () => {
    const w = latencyWindows(
      [
        { atMs: 0, latencyMs: 10 },
        { atMs: 500, latencyMs: 30 },
        { atMs: 1200, latencyMs: 50 },
        { atMs: 1300, latencyMs: undefined },
      ],
      1000,
      2000,
    );
    expect(w).toEqual([
      { fromS: 0, orders: 2, p50Ms: 10, p99Ms: 30 },
      { fromS: 1, orders: 1, p50Ms: 50, p99Ms: 50 },
    ]);
  });
});

describe('memoryGrowth', () => {
  it('compares the last window with the first window after warm-up', () => {
    const readings = [0, 1, 2, 3, 4, 5].map((s) => ({
      atMs: s * 1000,
      mb: { pg: s < 1 ? 10 : 100 + 10 * (s - 1) },
    }));
    // first window after 1 s warm-up (1–2 s): 100, 110 → 105; last (≥ 4 s): 130, 140 → 135
    expect(memoryGrowth(readings, 1000, 2000)).toEqual({ pg: 0.286 });
  });
});

describe('latencyTrend', () => {
  const windows = (p99s: number[]) => p99s.map((p99Ms, i) => ({ fromS: i, orders: 1, p50Ms: 1, p99Ms }));
  it('is flat for a steady p99 and positive for a rising one', () => {
    expect(latencyTrend(windows([100, 100, 100]))).toBe(0);
    expect(latencyTrend(windows([100, 200, 300]))).toBe(1);
  });
});

describe('soakPassed', () => {
  it('fails on a loss, a double charge, growth or a trend', () => {
    const ok = { lost: 0, doubleCharges: 0, growth: { pg: 0.05 }, trend: 0.1 };
    expect(soakPassed(ok)).toBe(true);
    expect(soakPassed({ ...ok, lost: 1 })).toBe(false);
    expect(soakPassed({ ...ok, doubleCharges: 1 })).toBe(false);
    expect(soakPassed({ ...ok, growth: { pg: 0.1 } })).toBe(false);
    expect(soakPassed({ ...ok, trend: 0.3 })).toBe(false);
  });
});
