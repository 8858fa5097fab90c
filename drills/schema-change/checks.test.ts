import { describe, expect, it } from 'vitest';
import { fieldDiffs, normalizedEvent, type PublishedEvent, stageEventDiffs } from './event-diff.ts';
import { judge, viewOutcome } from './observe.ts';
import type { WrittenOrder } from './order-writer.ts';
import { maxPauseMs } from './write-probe.ts';

const placed = (orderId: string, overrides: Record<string, unknown> = {}): PublishedEvent => ({
  eventId: `e-${orderId}`,
  aggregateType: 'order',
  aggregateId: orderId,
  sequence: 1,
  eventType: 'OrderPlaced',
  occurredAt: '2026-12-06T05:00:00.000000Z',
  traceContext: null,
  payload: {
    orderId,
    customerId: 'drill-logical-0',
    currency: 'EUR',
    totalCents: 250,
    items: [{ sku: 'SKU-0-0', quantity: 1, unitPriceCents: 250 }],
    ...overrides,
  },
});

describe('events of the same logical order', () => {
  it('compare equal apart from ids and timestamps', () => {
    expect(fieldDiffs(normalizedEvent(placed('a')), normalizedEvent(placed('b')))).toEqual([]);
  });

  it('differ by every changed, missing or added field, however deep', () => {
    const golden = new Map([[0, new Map([['OrderPlaced', placed('a')]])]]);
    const changed = placed('b', {
      totalCents: '250',
      items: [{ sku: 'SKU-0-0', quantity: 1 }],
      salesChannel: 'web',
    });
    const diffs = stageEventDiffs('after', golden, new Map([[0, new Map([['OrderPlaced', changed]])]]));
    expect(diffs.map((d) => d.path).sort()).toEqual([
      'payload.items.0.unitPriceCents',
      'payload.salesChannel',
      'payload.totalCents',
    ]);
    // A logical order whose event never arrived is a difference too.
    expect(stageEventDiffs('after', golden, new Map())).toHaveLength(1);
  });
});

const order: WrittenOrder = {
  id: 'o-1',
  customerId: 'c-1',
  currency: 'EUR',
  totalCents: 500,
  items: [{ sku: 'A', quantity: 2, unitPriceCents: 250 }],
  version: 2,
  status: 'confirmed',
};
const item = (overrides: Record<string, unknown> = {}) => ({
  orderId: 'o-1',
  customer_id: 'c-1',
  status: 'confirmed',
  currency: 'EUR',
  total_cents: 500,
  items: '[{"sku": "A", "quantity": 2, "unitPriceCents": 250}]',
  version: 2,
  created_at: '2026-12-06T05:00:00Z',
  updated_at: '2026-12-06T05:00:01Z',
  ...overrides,
});

describe('what the order view did with an order', () => {
  it('is correct when it shows the order as written, quarantined when a change went to the failure queue', () => {
    expect(judge(order, item(), []).result).toBe('correct');
    expect(judge(order, undefined, ['after.customer_id: …', 'after.customer_id: …']).result).toBe(
      'quarantined',
    );
    // The placed version shown, the confirmation quarantined: stale, not wrong.
    expect(judge(order, item({ version: 1, status: 'pending' }), ['after.items: …']).result).toBe(
      'quarantined',
    );
  });

  it('is wrong when the view shows what the source never had, missing when nothing accounts for it', () => {
    expect(judge(order, item({ customer_id: undefined, customer_ref: 'c-1' }), []).result).toBe('wrong');
    expect(judge(order, item({ total_cents: 50 }), ['x']).result).toBe('wrong');
    expect(judge(order, undefined, []).result).toBe('missing');
  });

  it('a stage fails on any wrong or missing order, and fails loudly on any quarantined one', () => {
    const at = (result: 'correct' | 'quarantined' | 'wrong' | 'missing') => ({
      orderId: 'x',
      result,
      reasons: [],
    });
    expect(viewOutcome([at('correct'), at('correct')])).toBe('kept-working');
    expect(viewOutcome([at('correct'), at('quarantined')])).toBe('failed-loudly');
    expect(viewOutcome([at('quarantined'), at('missing')])).toBe('silent-gap');
    expect(viewOutcome([at('quarantined'), at('wrong')])).toBe('wrong-view');
  });
});

describe('a migration’s write pause', () => {
  it('is the slowest write that overlapped it', () => {
    const writes = [
      { startedAt: 0, ms: 900, kind: 'place' as const },
      { startedAt: 1_000, ms: 40, kind: 'place' as const },
      { startedAt: 1_050, ms: 700, kind: 'confirm' as const },
      { startedAt: 3_000, ms: 10, kind: 'place' as const },
    ];
    expect(maxPauseMs(writes, 1_100, 1_200)).toBe(700);
    expect(maxPauseMs(writes, 2_000, 2_500)).toBe(0);
  });
});
