import { setTimeout as sleep } from 'node:timers/promises';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { LoadEvent } from './load.ts';

/** PutRecords takes at most 500 records a call (the Kinesis API limit). */
const maxRecordsPerCall = 500;
/** A throttled record waits 50 ms, doubling per attempt up to 1 s (the AWS SDKs' retry shape), with jitter. */
const backoffBaseMs = 50;
const backoffMaxMs = 1000;

export interface ProducerStats {
  /** Per-record ProvisionedThroughputExceededException answers (one record may be throttled many times). */
  throttledRecords: number;
  /** Per-record failures of any other kind (retried the same way). */
  otherFailedRecords: number;
  putCalls: number;
  /** Records accepted, by the shard Kinesis reported. */
  acceptedByShard: Record<string, number>;
  /** Records not yet accepted each second (sampled), by the shard their key maps to: the producer's backlog. */
  backlog: Array<{ atMs: number; shardId: string; records: number }>;
}

interface Pending {
  event: LoadEvent;
  partitionKey: string;
  shardId: string;
  attempts: number;
  notBefore: number;
}

/**
 * A Kinesis producer as a real one must behave: PutRecords in batches, per-record retry of throttled records
 * with backoff, and one event per order in flight (an order's next event is sent only once the previous one is
 * accepted), so a retried record can never be overtaken by its successor. Open loop: `rounds` says when each
 * event is due; it is queued then, however far behind the stream is.
 */
export async function produce(options: {
  kinesis: KinesisClient;
  streamName: string;
  rounds: LoadEvent[][];
  roundMs: number;
  startMs: number;
  keyOf(event: LoadEvent): string;
  shardOf(partitionKey: string): string;
  /** Gives up on the backlog after this long past the last round (what is left is reported as unsent). */
  drainMs: number;
}): Promise<ProducerStats & { unsent: number }> {
  const stats: ProducerStats = {
    throttledRecords: 0,
    otherFailedRecords: 0,
    putCalls: 0,
    acceptedByShard: {},
    backlog: [],
  };
  /** Per order: its events not yet accepted, head first. */
  const queues = new Map<string, Pending[]>();
  let waiting = 0;
  let nextRound = 0;
  let nextSample = options.startMs;
  const endMs = options.startMs + options.rounds.length * options.roundMs + options.drainMs;
  const enqueue = (event: LoadEvent) => {
    const partitionKey = options.keyOf(event);
    const pending: Pending = {
      event,
      partitionKey,
      shardId: options.shardOf(partitionKey),
      attempts: 0,
      notBefore: 0,
    };
    const queue = queues.get(event.message.aggregateId);
    if (queue) queue.push(pending);
    else queues.set(event.message.aggregateId, [pending]);
    waiting += 1;
  };
  const sampleBacklog = (now: number) => {
    const byShard = new Map<string, number>();
    for (const queue of queues.values())
      for (const p of queue) byShard.set(p.shardId, (byShard.get(p.shardId) ?? 0) + 1);
    for (const [shardId, records] of byShard)
      stats.backlog.push({ atMs: now - options.startMs, shardId, records });
  };
  const send = async (batch: Pending[]) => {
    const entries: PutRecordsRequestEntry[] = batch.map((p) => ({
      PartitionKey: p.partitionKey,
      Data: Buffer.from(JSON.stringify({ ...p.event.message, dueAt: p.event.dueAt })),
    }));
    stats.putCalls += 1;
    const answer = await options.kinesis
      .send(new PutRecordsCommand({ StreamName: options.streamName, Records: entries }))
      .catch(() => undefined);
    const now = Date.now();
    batch.forEach((p, i) => {
      const result = answer?.Records?.[i];
      if (result && !result.ErrorCode && result.ShardId) {
        stats.acceptedByShard[result.ShardId] = (stats.acceptedByShard[result.ShardId] ?? 0) + 1;
        const queue = queues.get(p.event.message.aggregateId)!;
        queue.shift();
        if (queue.length === 0) queues.delete(p.event.message.aggregateId);
        waiting -= 1;
        return;
      }
      if (result?.ErrorCode === 'ProvisionedThroughputExceededException') stats.throttledRecords += 1;
      else stats.otherFailedRecords += 1;
      p.attempts += 1;
      const backoff = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (p.attempts - 1));
      p.notBefore = now + backoff * (0.5 + Math.random() / 2);
    });
  };

  while (true) {
    const now = Date.now();
    while (nextRound < options.rounds.length && options.startMs + nextRound * options.roundMs <= now) {
      for (const event of options.rounds[nextRound]!) enqueue(event);
      nextRound += 1;
    }
    if (now >= nextSample) {
      sampleBacklog(now);
      nextSample += 1000;
    }
    if ((nextRound >= options.rounds.length && waiting === 0) || now >= endMs) break;
    // One call per shard a round (as the KPL batches per shard): a throttled shard's backlog cannot crowd the
    // records of the other shards out of a call.
    const ready = new Map<string, Pending[]>();
    for (const queue of queues.values()) {
      const head = queue[0]!;
      if (head.notBefore > now) continue;
      const batch = ready.get(head.shardId) ?? [];
      if (batch.length < maxRecordsPerCall) batch.push(head);
      ready.set(head.shardId, batch);
    }
    await Promise.all([...ready.values()].map(send));
    await sleep(options.roundMs);
  }
  return { ...stats, unsent: waiting };
}
