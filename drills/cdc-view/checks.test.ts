import { describe, expect, it } from 'vitest';
import { orderPk } from '../../lambdas/order-view/view-item.ts';
import { placeOrderSchema } from '../../lambdas/orders/order.ts';
import { compareBeforeImages, normalise } from './before-images.ts';
import { canonical, diffViews } from './replay.ts';
import { isVisible } from './view.ts';
import { orderRequest } from './workload.ts';

describe('normalise', () => {
  it("equates Debezium's trimmed timestamp with Postgres' microseconds", () => {
    expect(normalise('2025-01-02T03:04:05.12Z')).toBe(normalise('2025-01-02T03:04:05.120000+00:00'));
    expect(normalise('2025-01-02T03:04:05.12Z')).not.toBe(normalise('2025-01-02T03:04:05.13Z'));
  });

  it('equates jsonb written as text with the parsed value', () => {
    expect(normalise('[{"sku":"A","quantity":1}]')).toBe(normalise([{ sku: 'A', quantity: 1 }]));
  });

  it('compares numbers by value, whether text or number', () => {
    expect(normalise('1250')).toBe(normalise(1250));
  });
});

describe('compareBeforeImages', () => {
  const id = '0190e3d0-0000-7000-8000-000000000001';
  const history = (before: Record<string, unknown>) => [{ pk: orderPk(id), sk: 'DELETED#0/16B3748', before }];
  const row = { id, version: 2, items: [{ sku: 'A' }] };

  it('is complete when the history item keeps every column of the row', () => {
    const result = compareBeforeImages(history({ ...row, items: '[{"sku": "A"}]' }), new Map([[id, row]]));
    expect(result).toEqual({ complete: 1, problems: [] });
  });

  it('names a missing column, a changed value and a missing history item', () => {
    const missing = compareBeforeImages(history({ id, version: 1 }), new Map([[id, row]]));
    expect(missing.complete).toBe(0);
    expect(missing.problems.map((p) => p.problem)).toEqual([
      'version: view 1 ≠ row 2',
      'column items missing',
    ]);
    expect(compareBeforeImages([], new Map([[id, row]])).problems).toEqual([
      { orderId: id, problem: '0 history items' },
    ]);
  });
});

describe('replay diff', () => {
  it('ignores key order and reports changed, added and removed items', () => {
    expect(canonical({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonical({ a: [{ c: 3, d: 2 }], b: 1 }));
    const before = new Map([
      ['k1', 'x'],
      ['k2', 'y'],
    ]);
    const after = new Map([
      ['k1', 'x'],
      ['k2', 'z'],
      ['k3', 'w'],
    ]);
    expect(diffViews(before, after)).toEqual([
      { key: 'k2', before: 'y', after: 'z' },
      { key: 'k3', after: 'w' },
    ]);
  });
});

describe('isVisible', () => {
  it('counts a later version or a deletion as having shown the change', () => {
    expect(isVisible({ op: 'update', version: 2 }, { version: 3 })).toBe(true);
    expect(isVisible({ op: 'update', version: 2 }, { version: 1 })).toBe(false);
    expect(isVisible({ op: 'delete', version: 0 }, { version: 5 })).toBe(false);
    expect(isVisible({ op: 'insert', version: 1 }, { deleted: true })).toBe(true);
  });
});

describe('orderRequest', () => {
  it('is an order the API would accept (the store does not validate)', () => {
    for (const i of [0, 1, 2, 299]) expect(placeOrderSchema.safeParse(orderRequest(i)).success).toBe(true);
  });
});
