import { describe, expect, it } from 'vitest';
import {
  cdcPauseMs,
  consistent,
  type Delivered,
  duplicates,
  reaches,
  snapshotReadAtLeast,
} from './measure.ts';
import { maxShards, shardsFor } from './size.ts';

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

describe('snapshotReadAtLeast', () => {
  it('holds once that many distinct rows were read, not counting the probe, repeats or other operations', () => {
    const done = snapshotReadAtLeast(2, 'p');
    const changes: Delivered[] = [change('a', 'r', 1, 1), change('a', 'r', 1, 2), change('p', 'r', 1, 3)];
    expect(done(changes)).toBe(false);
    changes.push(change('b', 'u', 2, 4));
    expect(done(changes)).toBe(false);
    changes.push(change('b', 'r', 1, 5));
    expect(done(changes)).toBe(true);
  });
});

describe('reaches', () => {
  it('holds once the row has arrived at that version, and stays so', () => {
    const done = reaches('p', 3);
    const changes: Delivered[] = [change('p', 'u', 2, 1), change('q', 'u', 3, 2)];
    expect(done(changes)).toBe(false);
    changes.push(change('p', 'u', 3, 3));
    expect(done(changes)).toBe(true);
    changes.push(change('p', 'u', 4, 4));
    expect(done(changes)).toBe(true);
  });
});

describe('shardsFor', () => {
  it('gives a small table one shard and the 5 M-row table the most', () => {
    expect(shardsFor(1_000)).toBe(1);
    expect(shardsFor(100_000)).toBe(1);
    expect(shardsFor(500_000)).toBe(2);
    expect(shardsFor(5_000_000)).toBe(maxShards);
  });
});
