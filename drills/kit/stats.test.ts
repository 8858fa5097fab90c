import { describe, expect, it } from 'vitest';
import { percentile } from './stats.ts';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([percentile(samples, 50), percentile(samples, 99), percentile(samples, 100)]).toEqual([
      50, 99, 100,
    ]);
  });

  it('is NaN for no samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});
