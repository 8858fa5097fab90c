import { describe, expect, it } from 'vitest';
import { bucketOf, partitionKeyFor, shardFor } from './keying.ts';
import { orderViolations } from './order-check.ts';

const whale = 'customer-whale';

describe('keyings', () => {
  it('salts only the whale, with a bucket fixed by the order', () => {
    const event = { orderId: 'order-1', customerId: whale };
    expect(partitionKeyFor(event, 'salted', whale)).toBe(`${whale}#${bucketOf('order-1')}`);
    expect(partitionKeyFor(event, 'salted', whale)).toBe(partitionKeyFor(event, 'salted', whale));
    expect(partitionKeyFor({ orderId: 'o', customerId: 'small' }, 'salted', whale)).toBe('small');
    expect(partitionKeyFor(event, 'order', whale)).toBe('order-1');
    expect(partitionKeyFor(event, 'customer', whale)).toBe(whale);
  });

  it('spreads the whale over every bucket', () => {
    const buckets = new Set(Array.from({ length: 500 }, (_, i) => bucketOf(`order-${i}`)));
    expect(buckets.size).toBe(16);
  });

  it('maps a key to the shard whose range holds its MD5', () => {
    const half = 2n ** 127n;
    const shards = [
      { shardId: 'low', start: 0n, end: half - 1n },
      { shardId: 'high', start: half, end: 2n ** 128n - 1n },
    ];
    // md5("a") = 0cc175b9…, md5("b") = 92eb5ffe…
    expect(shardFor('a', shards)).toBe('low');
    expect(shardFor('b', shards)).toBe('high');
  });
});

describe('orderViolations', () => {
  it('counts an event that is not above its order’s last one', () => {
    expect(
      orderViolations([
        { orderId: 'a', sequence: 1 },
        { orderId: 'a', sequence: 2 },
      ]),
    ).toBe(0);
    expect(
      orderViolations([
        { orderId: 'a', sequence: 2 },
        { orderId: 'a', sequence: 1 },
      ]),
    ).toBe(1);
    expect(
      orderViolations([
        { orderId: 'a', sequence: 1 },
        { orderId: 'a', sequence: 1 },
      ]),
    ).toBe(1);
  });
});
