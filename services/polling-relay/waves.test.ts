import { describe, expect, it } from 'vitest';
import { type EntryResult, type OrderedRecord, publishInWaves } from './waves.ts';

const rec = (aggregateId: string, n: number): OrderedRecord => ({
  eventId: `${aggregateId}-${n}`,
  aggregateId,
  data: `${aggregateId}:${n}`,
});

/** A fake stream: records accepted per aggregate in arrival order; `fail` decides per (call, entry). */
function stream(fail: (call: number, entry: OrderedRecord) => boolean = () => false) {
  const calls: OrderedRecord[][] = [];
  const accepted = new Map<string, string[]>();
  const put = async (entries: readonly OrderedRecord[]): Promise<EntryResult[]> => {
    calls.push([...entries]);
    return entries.map((e) => {
      if (fail(calls.length, e)) return { ok: false, errorCode: 'ProvisionedThroughputExceededException' };
      accepted.set(e.aggregateId, [...(accepted.get(e.aggregateId) ?? []), e.eventId]);
      return { ok: true };
    });
  };
  return { put, calls, accepted };
}

const noSleep = { sleep: async () => {} };

describe('publishInWaves', () => {
  it('never puts two records of one aggregate into the same call', async () => {
    const s = stream();
    await publishInWaves([rec('a', 1), rec('a', 2), rec('b', 1), rec('a', 3)], s.put, noSleep);
    for (const call of s.calls) expect(new Set(call.map((e) => e.aggregateId)).size).toBe(call.length);
    expect(s.calls).toHaveLength(3);
    expect(s.accepted.get('a')).toEqual(['a-1', 'a-2', 'a-3']);
  });

  it('retries a failed entry before any later record of its aggregate, so nothing overtakes it', async () => {
    const s = stream((call, e) => call === 1 && e.eventId === 'a-1');
    const out = await publishInWaves([rec('a', 1), rec('a', 2), rec('b', 1), rec('b', 2)], s.put, noSleep);
    expect(s.accepted.get('a')).toEqual(['a-1', 'a-2']);
    expect(s.accepted.get('b')).toEqual(['b-1', 'b-2']);
    expect(out.sent).toHaveLength(4);
    expect(out.failedEntries).toBe(1);
  });

  it('holds back the rest of an aggregate that keeps failing and lets the others through', async () => {
    const s = stream((_call, e) => e.eventId === 'a-2');
    const out = await publishInWaves([rec('a', 1), rec('a', 2), rec('a', 3), rec('b', 1)], s.put, {
      ...noSleep,
      maxAttempts: 2,
    });
    expect(out.sent).toEqual(['a-1', 'b-1']);
    expect(out.heldBack).toEqual(['a-2', 'a-3']);
    expect(s.accepted.get('a')).toEqual(['a-1']);
  });

  it('treats a call that throws as every entry failed', async () => {
    let first = true;
    const out = await publishInWaves(
      [rec('a', 1)],
      async (entries) => {
        if (first) {
          first = false;
          throw new Error('socket hang up');
        }
        return entries.map(() => ({ ok: true }));
      },
      noSleep,
    );
    expect(out).toMatchObject({ sent: ['a-1'], heldBack: [], calls: 2, failedEntries: 1 });
  });

  it('splits a wave wider than maxPerCall over several calls', async () => {
    const s = stream();
    const records = Array.from({ length: 7 }, (_, i) => rec(`agg-${i}`, 1));
    await publishInWaves(records, s.put, { ...noSleep, maxPerCall: 3 });
    expect(s.calls.map((c) => c.length)).toEqual([3, 3, 1]);
  });
});
