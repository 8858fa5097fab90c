import { createHash } from 'node:crypto';

/** How a producer keys an order event: the comparison this drill measures (docs/keys.md). */
export type Keying = 'customer' | 'order' | 'salted';

export const keyings: readonly Keying[] = ['customer', 'order', 'salted'];

/**
 * Buckets a whale customer's key is split into under the `salted` keying. 16: the whale's 1,500 records/s spread
 * over about four shards' worth of hash space, so no one bucket (≈ 94 records/s) comes near a shard's 1,000.
 */
export const whaleBuckets = 16;

/** What a keying needs to know about one event. */
export interface KeyedEvent {
  orderId: string;
  customerId: string;
}

const md5 = (text: string): Buffer => createHash('md5').update(text, 'utf8').digest();

/**
 * The whale's bucket for one order: derived from the order id, so every event of an order lands in the same
 * bucket (one key, one shard) and per-order order holds, while different orders spread over the buckets.
 */
export function bucketOf(orderId: string, buckets = whaleBuckets): number {
  return md5(orderId).readUInt32BE(0) % buckets;
}

/**
 * The partition key for `event` under `keying`. Salting applies to the whale only: small customers keep their
 * plain customer key (per-customer order), the whale gives it up for per-order order.
 */
export function partitionKeyFor(event: KeyedEvent, keying: Keying, whaleId: string): string {
  switch (keying) {
    case 'customer':
      return event.customerId;
    case 'order':
      return event.orderId;
    case 'salted':
      return event.customerId === whaleId
        ? `${event.customerId}#${bucketOf(event.orderId)}`
        : event.customerId;
  }
}

/** A shard's hash-key range, as DescribeStream / ListShards report it (decimal strings). */
export interface ShardRange {
  shardId: string;
  start: bigint;
  end: bigint;
}

/** The shard Kinesis puts `partitionKey` on: the MD5 of the key as a 128-bit integer, inside a shard's range. */
export function shardFor(partitionKey: string, shards: readonly ShardRange[]): string {
  const hash = BigInt(`0x${md5(partitionKey).toString('hex')}`);
  const shard = shards.find((s) => hash >= s.start && hash <= s.end);
  if (!shard) throw new Error(`no shard's hash range holds key ${partitionKey} (${hash})`);
  return shard.shardId;
}
