import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { percentile, round } from '../kit/stats.ts';
import { type Keying, partitionKeyFor, type ShardRange, shardFor } from './keying.ts';
import { type LoadShape, schedule, whaleId } from './load.ts';
import { bySequenceNumber, orderViolations } from './order-check.ts';
import { produce } from './producer.ts';
import { readShards } from './shard-reader.ts';

export interface KinesisArmResult {
  keying: Keying;
  metrics: {
    shardRecordsMax: number;
    shardRecordsMin: number;
    throttledRecords: number;
    whaleP99Ms: number;
    othersP99Ms: number;
    orderViolations: number;
    /** Events never read back by the end of the drain (unsent by the producer or unread). */
    lost: number;
    /** The largest iterator age any shard reported, and the shard's records. */
    iteratorAgeMaxMs: number;
    whaleP50Ms: number;
    othersP50Ms: number;
  };
  recordsByShard: Record<string, number>;
  iteratorAge: Array<{ atMs: number; shardId: string; ms: number }>;
  backlog: Array<{ atMs: number; shardId: string; records: number }>;
}

const roundMs = 10;

async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<ShardRange[]> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
    await sleep(100);
  }
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: name }));
  return Shards.map((s) => ({
    shardId: s.ShardId!,
    start: BigInt(s.HashKeyRange!.StartingHashKey!),
    end: BigInt(s.HashKeyRange!.EndingHashKey!),
  }));
}

/** Deletes the arm's stream and waits until it is gone: the emulator caps an account at 10 shards, as AWS does. */
async function deleteStream(kinesis: KinesisClient, name: string): Promise<void> {
  await kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
  for (let i = 0; i < 100; i++) {
    const gone = await kinesis
      .send(new DescribeStreamSummaryCommand({ StreamName: name }))
      .then(() => false)
      .catch(() => true);
    if (gone) return;
    await sleep(100);
  }
}

/** One keying: a fresh stream, the load published under that keying, every record read back per shard. */
export async function runKinesisArm(options: {
  kinesis: KinesisClient;
  keying: Keying;
  shards: number;
  load: LoadShape;
  consumerRecordsPerSecond: number;
  drainMs: number;
  log(line: string): void;
}): Promise<KinesisArmResult> {
  const streamName = `hot-key-${options.keying}-${Date.now()}`;
  const ranges = await createStream(options.kinesis, streamName, options.shards);
  const startMs = Date.now() + 200;
  const rounds = schedule(options.load, startMs, roundMs);
  const expected = rounds.reduce((n, r) => n + r.length, 0);
  const reader = readShards({
    kinesis: options.kinesis,
    streamName,
    shardIds: ranges.map((r) => r.shardId),
    consumerRecordsPerSecond: options.consumerRecordsPerSecond,
    startMs,
  });
  const produced = await produce({
    kinesis: options.kinesis,
    streamName,
    rounds,
    roundMs,
    startMs,
    keyOf: (e) =>
      partitionKeyFor({ orderId: e.message.aggregateId, customerId: e.customerId }, options.keying, whaleId),
    shardOf: (key) => shardFor(key, ranges),
    drainMs: options.drainMs,
  });
  const readBy = Date.now() + options.drainMs;
  while (reader.consumed.length < expected - produced.unsent && Date.now() < readBy) await sleep(100);
  await reader.stop();
  await deleteStream(options.kinesis, streamName);
  const consumed = reader.consumed;
  const recordsByShard = Object.fromEntries(ranges.map((r) => [r.shardId, 0]));
  for (const c of consumed) recordsByShard[c.shardId] = (recordsByShard[c.shardId] ?? 0) + 1;
  // Per shard, in sequence-number order: the order every consumer of the shard sees.
  const violations = ranges
    .map((r) => consumed.filter((c) => c.shardId === r.shardId).sort(bySequenceNumber))
    .reduce((n, shard) => n + orderViolations(shard), 0);
  const latency = (whale: boolean) =>
    consumed.filter((c) => (c.customerId === whaleId) === whale).map((c) => c.processedAt - c.dueAt);
  const counts = Object.values(recordsByShard);
  const result: KinesisArmResult = {
    keying: options.keying,
    metrics: {
      shardRecordsMax: Math.max(...counts),
      shardRecordsMin: Math.min(...counts),
      throttledRecords: produced.throttledRecords,
      whaleP99Ms: round(percentile(latency(true), 99), 0),
      othersP99Ms: round(percentile(latency(false), 99), 0),
      orderViolations: violations,
      lost: expected - new Set(consumed.map((c) => `${c.orderId}/${c.sequence}`)).size,
      iteratorAgeMaxMs: Math.max(0, ...reader.iteratorAge.map((a) => a.ms)),
      whaleP50Ms: round(percentile(latency(true), 50), 0),
      othersP50Ms: round(percentile(latency(false), 50), 0),
    },
    recordsByShard,
    iteratorAge: reader.iteratorAge,
    backlog: produced.backlog,
  };
  options.log(`  keying ${options.keying}: ${JSON.stringify(result.metrics)}`);
  return result;
}
