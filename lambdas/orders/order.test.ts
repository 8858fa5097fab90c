import { describe, expect, it } from 'vitest';
import { limits, orderTotalCents, placeOrderSchema } from './order.ts';

const valid = {
  customerId: 'c-1',
  currency: 'USD',
  items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 1250 }],
};

describe('placeOrderSchema', () => {
  it.each(['USD', 'EUR', 'JPY', 'CHF', 'KWD'])('accepts the ISO 4217 currency %s', (currency) => {
    expect(placeOrderSchema.safeParse({ ...valid, currency }).success).toBe(true);
  });

  it('accepts a well-formed order', () => {
    expect(placeOrderSchema.parse(valid)).toEqual(valid);
  });

  it.each([
    ['an extra field', { ...valid, discount: 5 }],
    ['no items', { ...valid, items: [] }],
    ['a negative price', { ...valid, items: [{ sku: 'A', quantity: 1, unitPriceCents: -1 }] }],
    ['a fractional quantity', { ...valid, items: [{ sku: 'A', quantity: 1.5, unitPriceCents: 1 }] }],
    ['a lower-case currency', { ...valid, currency: 'usd' }],
    ['a currency code ISO 4217 does not assign', { ...valid, currency: 'ABC' }],
    ['the ISO 4217 "no currency" code', { ...valid, currency: 'XXX' }],
    ['a missing customer', { currency: 'USD', items: valid.items }],
    [
      'an absurd total',
      {
        ...valid,
        items: Array.from({ length: 20 }, () => ({ sku: 'A', quantity: 1000, unitPriceCents: 10_000 })),
      },
    ],
  ])('rejects %s', (_name, body) => {
    expect(placeOrderSchema.safeParse(body).success).toBe(false);
  });
});

describe('orderTotalCents', () => {
  it('sums quantity times unit price', () => {
    expect(
      orderTotalCents([
        { quantity: 2, unitPriceCents: 150 },
        { quantity: 1, unitPriceCents: 5 },
      ]),
    ).toBe(305);
  });

  it('keeps the largest allowed order below 2^53', () => {
    expect(limits.maxTotalCents).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });
});
