import { describe, expect, it } from 'vitest';
import {
  assess,
  classify,
  growthRate,
  NOT_GROWING_SECONDS,
  type OldestTransaction,
  type ServerSnapshot,
  type SlotRow,
  timeToCap,
  toMetrics,
} from './slot-health.ts';

const MiB = 1024 * 1024;

function slot(overrides: Partial<SlotRow> = {}): SlotRow {
  return {
    slotName: 'holdline_outbox',
    active: true,
    walStatus: 'reserved',
    safeWalSizeBytes: 900 * MiB,
    retainedBytes: 100 * MiB,
    consumerLagBytes: 100 * MiB,
    restartLsn: '0/1000000',
    confirmedFlushLsn: '0/1000000',
    inactiveSince: null,
    invalidationReason: null,
    ...overrides,
  };
}

const longTxn: OldestTransaction = {
  pid: 42,
  ageSeconds: 600,
  state: 'idle in transaction',
  holdsXid: true,
  query: 'INSERT',
};

describe('growthRate', () => {
  it('fits the slope of retained WAL in bytes per second', () => {
    const points = [0, 1, 2, 3].map((s) => ({ at: s * 1000, retainedBytes: 10 * MiB + s * MiB }));
    expect(growthRate(points)).toBeCloseTo(MiB);
  });
  it('has no rate with a single point', () => {
    expect(growthRate([{ at: 0, retainedBytes: 1 }])).toBeNull();
  });
});

describe('timeToCap', () => {
  it('divides the headroom Postgres reports by the growth rate', () => {
    expect(timeToCap(1024 * MiB, 124 * MiB, 900 * MiB, 10 * MiB)).toBeCloseTo(90);
  });
  it('uses cap minus retained when safe_wal_size is unknown', () => {
    expect(timeToCap(1024 * MiB, 1000 * MiB, null, 8 * MiB)).toBeCloseTo(3);
  });
  it('is zero once the slot is past the cap', () => {
    expect(timeToCap(1024 * MiB, 1100 * MiB, -76 * MiB, 1)).toBe(0);
  });
  it('reports "not growing" when retained WAL is flat or shrinking', () => {
    expect(timeToCap(1024 * MiB, 100 * MiB, 900 * MiB, -5)).toBe(NOT_GROWING_SECONDS);
  });
  it('has no forecast without a cap', () => {
    expect(timeToCap(null, 100 * MiB, null, 10)).toBeNull();
  });
});

describe('classify', () => {
  it('calls a slot whose consumer lag is most of the retained WAL a stalled consumer', () => {
    const verdict = classify(slot({ active: false, consumerLagBytes: 99 * MiB }), longTxn, 64 * MiB);
    expect(verdict.cause).toBe('stalled-consumer');
    expect(verdict.explanation).toContain('disconnected');
  });
  it('blames a long transaction when the consumer confirms but restart_lsn stays behind', () => {
    const verdict = classify(slot({ consumerLagBytes: 1 * MiB }), longTxn, 64 * MiB);
    expect(verdict.cause).toBe('long-transaction');
    expect(verdict.explanation).toContain('pid 42');
  });
  it('does not blame a transaction that holds no xid', () => {
    const verdict = classify(slot({ consumerLagBytes: 1 * MiB }), { ...longTxn, holdsXid: false }, 64 * MiB);
    expect(verdict.cause).toBe('retained-unexplained');
  });
  it('reports an invalidated slot by its invalidation reason', () => {
    const verdict = classify(
      slot({ walStatus: 'lost', retainedBytes: null, invalidationReason: 'wal_removed' }),
      null,
      64 * MiB,
    );
    expect(verdict.cause).toBe('invalidated');
    expect(verdict.explanation).toContain('wal_removed');
  });
  it('treats an invalidated slot that still shows unreserved (connected consumer) as invalidated', () => {
    expect(
      classify(slot({ walStatus: 'unreserved', invalidationReason: 'wal_removed' }), null, 0).cause,
    ).toBe('invalidated');
  });
  it('calls small retention healthy', () => {
    expect(classify(slot({ retainedBytes: 10 * MiB, active: false }), longTxn, 64 * MiB).cause).toBe(
      'healthy',
    );
  });
});

describe('assess and toMetrics', () => {
  const snapshot = (at: number, retainedMiB: number, overrides: Partial<SlotRow> = {}): ServerSnapshot => ({
    at,
    serverVersionNum: 170000,
    capBytes: 1024 * MiB,
    pgWalBytes: 300 * MiB,
    oldestTransaction: null,
    slots: [
      slot({ retainedBytes: retainedMiB * MiB, safeWalSizeBytes: (1024 - retainedMiB) * MiB, ...overrides }),
    ],
  });

  it('forecasts time to cap from the history and counts inactive time from inactive_since', () => {
    const history = new Map([
      [
        'holdline_outbox',
        [0, 10, 20].map((s) => ({ at: s * 1000, retainedBytes: (100 + s) * MiB, restartLsn: '0/1000000' })),
      ],
    ]);
    const [a] = assess(
      snapshot(30_000, 130, { active: false, inactiveSince: new Date(0) }),
      history,
      new Map(),
    );
    expect(a?.growthBytesPerSecond).toBeCloseTo(MiB);
    expect(a?.timeToCapSeconds).toBeCloseTo(894);
    expect(a?.inactiveSeconds).toBe(30);
  });

  it('forecasts nothing for a slot whose restart_lsn keeps moving (a healthy heartbeat saw-tooth)', () => {
    const history = new Map([
      [
        'holdline_outbox',
        [0, 10, 20].map((s) => ({ at: s * 1000, retainedBytes: (100 + s) * MiB, restartLsn: `0/${s}` })),
      ],
    ]);
    const [a] = assess(snapshot(30_000, 130), history, new Map());
    expect(a?.timeToCapSeconds).toBe(NOT_GROWING_SECONDS);
  });

  it('waits until restart_lsn has stood still for the minimum span before forecasting', () => {
    const history = new Map([
      ['holdline_outbox', [{ at: 0, retainedBytes: 100 * MiB, restartLsn: '0/1000000' }]],
    ]);
    expect(assess(snapshot(10_000, 110), history, new Map())[0]?.timeToCapSeconds).toBe(NOT_GROWING_SECONDS);
    expect(assess(snapshot(40_000, 140), history, new Map())[0]?.timeToCapSeconds).toBeCloseTo(884);
  });

  it('falls back to when the monitor first saw the slot inactive before PG 17', () => {
    const [a] = assess(
      snapshot(50_000, 130, { active: false }),
      new Map(),
      new Map([['holdline_outbox', 20_000]]),
    );
    expect(a?.inactiveSeconds).toBe(30);
  });

  it('publishes the agreed metric names, with SlotName on the per-slot ones, and nothing unknown', () => {
    const snap = snapshot(0, 130, { walStatus: 'unreserved' });
    const data = toMetrics(snap, assess(snap, new Map(), new Map()));
    const names = data.map((d) => d.name).sort();
    expect(names).toEqual(
      [
        'OldestTransactionAgeSeconds',
        'PgWalBytes',
        'SlotCapBytes',
        'SlotConsumerLagBytes',
        'SlotInactiveSeconds',
        'SlotRetainedWalBytes',
        'SlotSafeWalSizeBytes',
        'SlotTimeToCapSeconds',
        'SlotWalStatusLost',
        'SlotWalStatusUnreserved',
      ].sort(),
    );
    expect(data.find((d) => d.name === 'SlotWalStatusUnreserved')).toMatchObject({
      value: 1,
      slotName: 'holdline_outbox',
    });
    expect(data.find((d) => d.name === 'PgWalBytes')?.slotName).toBeUndefined();
  });
});
