import { describe, expect, it } from 'vitest';
import {
  cdcPauseMs,
  consistent,
  type Delivered,
  duplicates,
  probeWriteP99Ms,
  writeFreezeMs,
} from './measure.ts';

const write = (seq: number, sentAt: number, ackAt?: number) => ({
  seq,
  sentAt,
  ...(ackAt === undefined ? {} : { ackAt }),
});
const change = (id: string, op: string, version: number, position: number, arrivedAt = 0): Delivered => ({
  id,
  op,
  version,
  position,
  arrivedAt,
});

describe('writeFreezeMs', () => {
  it('is the longest gap between acknowledgments, the window edges included', () => {
    const writes = [write(1, 0, 10), write(2, 20, 30), write(3, 40, 2_040), write(4, 2_050, 2_060)];
    expect(writeFreezeMs(writes, 0, 2_100)).toBe(2_010);
  });

  it('counts a write still waiting at the end as frozen until the end', () => {
    expect(writeFreezeMs([write(1, 0, 10), write(2, 20)], 0, 5_000)).toBe(4_990);
  });
});

describe('probeWriteP99Ms', () => {
  it('is the p99 of send → acknowledgment inside the window', () => {
    const writes = Array.from({ length: 100 }, (_, i) => write(i + 1, i * 10, i * 10 + (i >= 98 ? 500 : 2)));
    expect(probeWriteP99Ms(writes, 0, 2_000)).toBeGreaterThan(2);
    expect(probeWriteP99Ms(writes.slice(0, 98), 0, 2_000)).toBe(2);
  });
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
