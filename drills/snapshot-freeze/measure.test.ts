import { describe, expect, it } from 'vitest';
import { cdcPauseMs, consistent, type Delivered, duplicates } from './measure.ts';

const change = (id: string, op: string, version: number, position: number, arrivedAt = 0): Delivered => ({
  id,
  op,
  version,
  position,
  arrivedAt,
});

describe('cdcPauseMs', () => {
  it('is the longest stretch in which no probe update reached the stream', () => {
    const delivered = [change('p', 'u', 1, 1, 100), change('x', 'r', 1, 0, 150), change('p', 'u', 2, 2, 900)];
    expect(cdcPauseMs(delivered, 'p', 0, 1_000)).toBe(800);
  });
});

describe('duplicates', () => {
  it('counts snapshot reads of a row beyond its first', () => {
    expect(
      duplicates([
        change('a', 'r', 1, 0),
        change('a', 'r', 1, 0),
        change('b', 'r', 1, 0),
        change('a', 'u', 2, 5),
      ]),
    ).toBe(1);
  });
});

describe('consistent', () => {
  const source = new Map([
    ['a', 2],
    ['b', 1],
  ]);

  it('holds when the highest-positioned change of every row matches the source', () => {
    expect(consistent([change('a', 'r', 1, 0), change('b', 'r', 1, 0), change('a', 'u', 2, 5)], source)).toBe(
      true,
    );
  });

  it('fails on a stale row, a missing row, or a row the source no longer has', () => {
    expect(consistent([change('a', 'u', 2, 5), change('a', 'r', 1, 9), change('b', 'r', 1, 0)], source)).toBe(
      false,
    );
    expect(consistent([change('a', 'u', 2, 5)], source)).toBe(false);
    expect(consistent([change('a', 'u', 2, 5), change('b', 'r', 1, 0), change('c', 'r', 1, 0)], source)).toBe(
      false,
    );
  });
});
