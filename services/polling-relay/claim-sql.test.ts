import { describe, expect, it } from 'vitest';
import { claimHeadsSql, claimRowsSql, markSentSql, sessionSettingsSql } from './claim-sql.ts';

describe('claim SQL', () => {
  it('locks only aggregate heads, skipping those another replica holds', () => {
    const sql = claimHeadsSql();
    expect(sql).toMatch(/FOR UPDATE OF o SKIP LOCKED/);
    expect(sql).toMatch(/NOT EXISTS[\s\S]*older\.sequence < o\.sequence/);
    expect(sql).toMatch(/WHERE o\.published_at IS NULL/);
  });

  it('takes the claimed aggregates rows in per-aggregate sequence order and waits for no one else', () => {
    const sql = claimRowsSql();
    expect(sql).toMatch(/ORDER BY aggregate_id, sequence/);
    expect(sql).toMatch(/FOR UPDATE$/);
    expect(sql).not.toMatch(/SKIP LOCKED/);
  });

  it('marks only rows that are still unsent', () => {
    expect(markSentSql()).toMatch(/AND published_at IS NULL/);
  });

  it('refuses an idle-in-transaction timeout under a second', () => {
    expect(() => sessionSettingsSql(10)).toThrow(RangeError);
    expect(sessionSettingsSql(30_000)).toBe('SET idle_in_transaction_session_timeout = 30000');
  });
});
