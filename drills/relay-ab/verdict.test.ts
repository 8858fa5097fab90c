import { describe, expect, it } from 'vitest';
import { loadBetween } from './pg-load.ts';
import { verdict } from './verdict.ts';

describe('relay-ab verdict', () => {
  const arm = (p50Ms: number, delivered = 80) => ({ p50Ms, delivered, orders: 80 });

  it('passes when CDC p50 is within 0.2 × polling p50 and every order arrived', () => {
    expect(verdict(arm(60), arm(300))).toEqual({ goal: 60, goalMet: true, passed: true });
  });

  it('fails just above the goal, or when an arm lost an order', () => {
    expect(verdict(arm(60.1), arm(300)).passed).toBe(false);
    expect(verdict(arm(10, 79), arm(300)).passed).toBe(false);
    expect(verdict(arm(10), arm(300, 79))).toEqual({ goal: 60, goalMet: true, passed: false });
  });
});

describe('loadBetween', () => {
  it("diffs the counters and singles out the polling relay's statements", () => {
    const at = (n: number) => ({
      rows_read: String(n),
      idx_scans: String(n),
      updated: String(n),
      lsn: '',
      decoded: String(n),
    });
    const load = loadBetween(at(10), at(25), 4096, [
      { query: 'INSERT INTO orders ...', calls: 80, ms: 12.34, rows: 80 },
      { query: 'UPDATE outbox SET published_at = now() ...', calls: 9, ms: 3.21, rows: 80 },
      { query: 'BEGIN', calls: 9, ms: 0.05, rows: 0 },
    ]);
    expect(load).toMatchObject({
      statements: 98,
      statementMs: 15.6,
      relayStatements: 18,
      relayStatementMs: 3.3,
      rowsRead: 15,
      outboxRowsUpdated: 15,
      walBytes: 4096,
      decodedBytes: 15,
    });
  });
});
