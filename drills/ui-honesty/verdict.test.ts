import { describe, expect, it } from 'vitest';
import type { Submit } from './submit.ts';
import { judge, type Seen } from './verdict.ts';

const t0 = Date.parse('2024-01-01T00:00:00Z');
const held = { listHadOrder: false, rowKept: true };
const submit = (id: string, pendingShownMs: number, kind: Submit['kind'] = 'single'): Submit => ({
  kind,
  clickAt: t0,
  orderId: id,
  pendingShownMs,
  refetch: held,
});

/** Three submits that all went right: one declined, two confirmed after Postgres committed them. */
function healthy(): Seen {
  return {
    submits: [submit('a', 40), submit('b', 60), submit('c', 900, 'lost-answer')],
    observations: [
      { id: 'a', status: 'pending', t: t0 + 40 },
      { id: 'a', status: 'confirmed', t: t0 + 2000 },
      { id: 'b', status: 'payment_failed', t: t0 + 2100 },
      { id: 'c', status: 'confirmed', t: t0 + 2500 },
    ],
    dbOrders: [
      { id: 'a', status: 'confirmed', updated_at: new Date(t0 + 1990), idempotency_key: 'k-a' },
      { id: 'b', status: 'payment_failed', updated_at: new Date(t0 + 2090), idempotency_key: 'k-b' },
      { id: 'c', status: 'confirmed', updated_at: new Date(t0 + 2400), idempotency_key: 'k-c' },
    ],
    settled: true,
    onCallConsistent: true,
    onCallChartsWithThresholds: 4,
  };
}

describe('ui-honesty verdict', () => {
  it('passes a run where the page never ran ahead of Postgres; a lost answer is timed apart', () => {
    const { passed, metrics } = judge(healthy());
    expect(passed).toBe(true);
    expect(metrics).toMatchObject({
      pendingShownMsP99: 60,
      pendingShownAfterLostAnswerMs: 900,
      refetchesInsideWindow: 3,
      duplicateOrders: 0,
    });
  });

  it('fails when the page showed confirmed before the confirming transaction', () => {
    const seen = healthy();
    seen.observations[1] = { id: 'a', status: 'confirmed', t: t0 + 1500 };
    const { passed, metrics, premature } = judge(seen);
    expect(passed).toBe(false);
    expect(metrics.prematureConfirmations).toBe(1);
    expect(premature).toEqual([seen.observations[1]]);
  });

  it('fails when a submit made a second order in Postgres', () => {
    const seen = healthy();
    seen.dbOrders.push({ id: 'd', status: 'confirmed', updated_at: new Date(t0), idempotency_key: 'k-c' });
    expect(judge(seen)).toMatchObject({ passed: false, metrics: { duplicateOrders: 1 } });
  });

  it('fails when a refetch already listed the order: the consistency window was not exercised', () => {
    const seen = healthy();
    seen.submits[0] = { ...submit('a', 40), refetch: { listHadOrder: true, rowKept: true } };
    expect(judge(seen)).toMatchObject({ passed: false, metrics: { refetchesInsideWindow: 2 } });
  });

  it('fails when pending showed later than the budget at p99', () => {
    const seen = healthy();
    seen.submits[1] = submit('b', 250);
    expect(judge(seen)).toMatchObject({ passed: false, metrics: { pendingShownMsP99: 250 } });
  });

  it('in quick mode reports a late p99 against the budget without failing on it', () => {
    const seen = healthy();
    seen.submits[1] = submit('b', 250);
    expect(judge(seen, 'report')).toMatchObject({
      passed: true,
      metrics: { pendingShownMsP99: 250, pendingWithinBudget: false, latencyJudged: false },
    });
    seen.observations[1] = { id: 'a', status: 'confirmed', t: t0 + 1500 };
    expect(judge(seen, 'report').passed).toBe(false);
  });

  it('fails when the on-call panel drew fewer than four charts with threshold rules', () => {
    const seen = healthy();
    seen.onCallChartsWithThresholds = 3;
    expect(judge(seen)).toMatchObject({ passed: false, metrics: { onCallChartsWithThresholds: 3 } });
  });
});
