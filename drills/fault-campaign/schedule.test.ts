import { describe, expect, it } from 'vitest';
import { faultKinds, fullDurationsMs, planCampaign, seededRandom } from './schedule.ts';

const full = { seed: 12, windowMs: 600_000, scale: 1 };

describe('fault campaign schedule', () => {
  it('gives the same campaign for the same seed and another for another seed', () => {
    expect(planCampaign(full)).toEqual(planCampaign(full));
    expect(planCampaign({ ...full, seed: 13 })).not.toEqual(planCampaign(full));
  });

  it('injects every kind of fault at least once', () => {
    const kinds = new Set(
      planCampaign(full)
        .flat()
        .map((f) => f.kind),
    );
    expect([...kinds].sort()).toEqual([...faultKinds].sort());
  });

  it('draws each duration inside its range, scaled', () => {
    for (const scale of [1, 0.25])
      for (const seed of [1, 2, 3, 4, 5])
        for (const f of planCampaign({ ...full, seed, scale }).flat()) {
          const [min, max] = fullDurationsMs[f.kind];
          expect(f.durationMs).toBeGreaterThanOrEqual(Math.round(min * scale));
          expect(f.durationMs).toBeLessThanOrEqual(Math.round(max * scale));
        }
  });

  it('fits each lane into the filled part of the window', () => {
    for (const seed of [1, 2, 3, 4, 5])
      for (const lane of planCampaign({ ...full, seed })) {
        const planned = lane.reduce((t, f) => t + f.gapBeforeMs + f.durationMs, 0);
        expect(planned).toBeLessThanOrEqual(600_000 * 0.85 + lane.length);
      }
  });

  it('keeps faults of one part in one lane, so they never overlap each other', () => {
    const laneOf = (kind: string) =>
      planCampaign(full).findIndex((lane) => lane.some((f) => f.kind === kind));
    expect(laneOf('postgres-freeze')).toBe(laneOf('postgres-kill'));
    expect(laneOf('debezium-kill')).toBe(laneOf('postgres-kill'));
    expect(laneOf('gateway-hang')).toBe(laneOf('gateway-outage'));
  });

  it('has a random source in [0, 1)', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 1000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});
