import { describe, expect, it } from 'vitest';
import { checks, latencyIn, latencyVerdict, type ModeResult, passed } from './verdict.ts';

const order = (createdAtMs: number, latencyMs?: number) => ({
  createdAtMs,
  ...(latencyMs === undefined ? {} : { appliedAtMs: createdAtMs + latencyMs }),
});

describe('bulk-flurry verdict', () => {
  it('takes the p99 of the orders committed inside the span only', () => {
    const orders = [
      order(0, 5000),
      ...Array.from({ length: 100 }, (_, i) => order(1000 + i, 100 + i)),
      order(2000, 9000),
    ];
    expect(latencyIn(orders, { from: 1000, to: 2000 }, 99_999)).toEqual({ orders: 100, p99Ms: 198 });
  });

  it('counts an order still pending with the time it had waited when the drill gave up', () => {
    expect(latencyIn([order(0, 50), order(1)], { from: 0, to: 10 }, 30_001)).toEqual({
      orders: 2,
      p99Ms: 30_000,
    });
  });

  it('meets the goal within 2× the p99 before, and misses it above', () => {
    expect(latencyVerdict({ orders: 1, p99Ms: 400 }, { orders: 1, p99Ms: 800 }).goalMet).toBe(true);
    expect(latencyVerdict({ orders: 1, p99Ms: 400 }, { orders: 1, p99Ms: 801 })).toMatchObject({
      ratio: 2,
      goalMet: false,
    });
  });

  it('cannot meet the goal without orders in both windows', () => {
    expect(latencyVerdict({ orders: 0, p99Ms: null }, { orders: 3, p99Ms: 10 }).goalMet).toBe(false);
  });

  const result = (mode: 'marked' | 'unmarked', over: Partial<ModeResult> = {}): ModeResult => ({
    mode,
    latency: { beforeP99Ms: 100, duringP99Ms: 150, ratio: 1.5, goalMet: true },
    routerCaughtUp: true,
    summaries: mode === 'marked' ? 1 : 0,
    summaryRows: mode === 'marked' ? 500 : 0,
    slotPages: 0,
    flurryDetectedSeconds: mode === 'marked' ? null : 2,
    flurryPaged: mode === 'unmarked',
    ...over,
  });

  it('passes a run where every check holds', () => {
    expect(passed(checks([result('marked'), result('unmarked')], 500, 0, 0), false)).toBe(true);
  });

  it('fails a marked run whose summary missed rows, or that paged a slot alarm', () => {
    expect(checks([result('marked', { summaryRows: 499 })], 500, 0, 0).mechanics).toMatchObject({
      'marked: one summary event counting every row': false,
    });
    expect(checks([result('marked', { slotPages: 1 })], 500, 0, 0).mechanics).toMatchObject({
      'marked: no slot alarm paged while it drained': false,
    });
  });

  it('fails a marked run the router took for an unmarked flurry, quick or full', () => {
    const all = checks([result('marked', { flurryDetectedSeconds: 3, flurryPaged: true })], 500, 0, 0);
    expect(all.mechanics).toMatchObject({
      'marked: not taken for an unmarked flurry, no flurry page': false,
    });
    expect(passed(all, true)).toBe(false);
  });

  it('fails an unmarked run whose flurry went undetected', () => {
    expect(checks([result('unmarked', { flurryDetectedSeconds: null })], 500, 0, 0).mechanics).toMatchObject({
      'unmarked: the flurry was detected and paged': false,
    });
  });

  it('gates the latency goal and the pending orders in the full run only', () => {
    const slow = { beforeP99Ms: 100, duringP99Ms: 300, ratio: 3, goalMet: false };
    const all = checks([result('marked', { latency: slow }), result('unmarked')], 500, 1, 0);
    expect(all.goals).toMatchObject({
      'marked: order p99 during ≤ 2× before': false,
      'every order of the load placed and applied': false,
    });
    expect(passed(all, false)).toBe(false);
    expect(passed(all, true)).toBe(true);
  });
});
