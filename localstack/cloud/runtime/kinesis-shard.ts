import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CheckpointStore } from './checkpoints.ts';
import type { FunctionSpec } from './functions.ts';
import type { InvokeResult } from './invoke-result.ts';
import { afterFailure, failedFrom, retryDelayMs, splitExpired, type Work } from './kinesis-batch.ts';
import { type StreamRecord, toKinesisEvent, toStreamRecord } from './kinesis-event.ts';
import type { MappingStats } from './mapping-stats.ts';
import type { KinesisMapping } from './mappings.ts';
import { type DiscardCondition, kinesisFailureRecord, sendOnFailure } from './on-failure.ts';

export interface ShardConsumerOptions {
  mapping: KinesisMapping;
  shardId: string;
  fn: FunctionSpec;
  region: string;
  clients: { kinesis: KinesisClient; sqs: SQSClient; sns: SNSClient };
  invoke(event: unknown): Promise<InvokeResult>;
  checkpoints: CheckpointStore;
  stats: MappingStats;
  /** Pause after an empty GetRecords. */
  idlePollMs: number;
  running(): boolean;
  log(line: string): void;
}

/**
 * Lambda's poller for one shard: one batch at a time, in order, from the checkpoint (or StartingPosition), with
 * the stream error handling of the mapping (retries, bisection, partial batch responses, record age, on-failure
 * destination). Returns when the runtime stops or the shard is closed and read to its end.
 */
export async function consumeShard(o: ShardConsumerOptions): Promise<void> {
  let position = o.checkpoints.get(o.mapping.logicalId, o.shardId);
  let iterator: string | undefined;
  while (o.running()) {
    try {
      iterator ??= await shardIterator(o, position);
      const { records, next } = await fetchBatch(o, iterator);
      iterator = next;
      const last = records[records.length - 1];
      if (last === undefined) {
        if (next === undefined) return o.log(`${o.shardId} is closed and fully read`);
        await sleep(o.idlePollMs);
        continue;
      }
      if (!(await processBatch(o, records))) return;
      position = last.SequenceNumber;
      if (next === undefined) return o.log(`${o.shardId} is closed and fully read`);
    } catch (error) {
      // An expired iterator (kinesis-local expires them after 300 s) or a transient emulator error: start again
      // after the last fetched record.
      o.log(`${o.shardId}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      position = o.checkpoints.get(o.mapping.logicalId, o.shardId) ?? position;
      iterator = undefined;
      await sleep(1000);
    }
  }
}

async function shardIterator(o: ShardConsumerOptions, after: string | undefined): Promise<string> {
  const { kinesis } = o.clients;
  const base = { StreamName: o.mapping.streamName, ShardId: o.shardId };
  const input =
    after !== undefined
      ? { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, StartingSequenceNumber: after }
      : o.mapping.startingPosition === 'AT_TIMESTAMP'
        ? {
            ...base,
            ShardIteratorType: 'AT_TIMESTAMP' as const,
            Timestamp: o.mapping.startingTimestamp ?? new Date(),
          }
        : { ...base, ShardIteratorType: o.mapping.startingPosition };
  const out = await kinesis.send(new GetShardIteratorCommand(input));
  if (out.ShardIterator === undefined) throw new Error(`no iterator for ${o.shardId}`);
  return out.ShardIterator;
}

/** Up to BatchSize records, gathering for up to MaximumBatchingWindowInSeconds (default 0: one GetRecords). */
async function fetchBatch(o: ShardConsumerOptions, iterator: string) {
  const records: StreamRecord[] = [];
  const windowEnds = Date.now() + o.mapping.batchingWindowSec * 1000;
  let next: string | undefined = iterator;
  while (next !== undefined) {
    const out: GetRecordsCommandOutput = await o.clients.kinesis.send(
      new GetRecordsCommand({ ShardIterator: next, Limit: o.mapping.batchSize - records.length }),
    );
    records.push(...(out.Records ?? []).map(toStreamRecord));
    next = out.NextShardIterator;
    if (records.length >= o.mapping.batchSize || Date.now() >= windowEnds || !o.running()) break;
    await sleep(Math.min(o.idlePollMs, windowEnds - Date.now()));
  }
  return { records, next };
}

/** Runs one fetched batch to completion. False if the runtime stopped first (nothing past the last checkpoint). */
async function processBatch(o: ShardConsumerOptions, records: StreamRecord[]): Promise<boolean> {
  const { mapping, stats } = o;
  const policy = { bisect: mapping.bisect, maxRetries: mapping.maxRetries };
  const source = {
    shardId: o.shardId,
    streamArn: mapping.streamArn,
    region: o.region,
    roleArn: o.fn.roleArn,
  };
  const queue: Work<StreamRecord>[] = [{ records, retries: 0, invokes: 0 }];
  let lastResult: InvokeResult | undefined;
  while (queue.length > 0) {
    if (!o.running()) return false;
    const head = queue.shift() as Work<StreamRecord>;
    const age = splitExpired(head.records, mapping.maxRecordAgeSec, Date.now(), arrival);
    if (age.expired.length > 0)
      await discard(o, { ...head, records: age.expired }, 'RecordAgeExceeded', lastResult);
    if (age.fresh.length === 0) continue;
    const work = { ...head, records: age.fresh, invokes: head.invokes + 1 };
    stats.batches++;
    stats.records += work.records.length;
    try {
      lastResult = await o.invoke(toKinesisEvent(work.records, source));
    } catch (error) {
      o.log(`${o.shardId}: invoke failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    const sequenceNumbers = work.records.map((r) => r.SequenceNumber);
    const outcome = lastResult.ok
      ? { ok: true as const, payload: lastResult.payload }
      : { ok: false as const };
    const index = failedFrom(sequenceNumbers, outcome, mapping.reportBatchItemFailures);
    if (index === undefined) {
      checkpoint(o, work.records);
      continue;
    }
    // A failure seen while stopping (e.g. the worker was killed by stop()) is not the function's verdict.
    if (!o.running()) return false;
    stats.failedBatches++;
    const decision = afterFailure(work, index, policy);
    checkpoint(o, decision.completed);
    if (decision.discarded) await discard(o, decision.discarded, 'RetryAttemptsExhausted', lastResult);
    if (decision.next.length === 2) stats.bisections++;
    const retried = decision.next[0];
    if (decision.next.length === 1 && retried !== undefined && retried.retries > work.retries) {
      stats.retries++;
      await sleep(retryDelayMs(retried.retries));
    }
    queue.unshift(...decision.next);
  }
  return true;
}

async function discard(
  o: ShardConsumerOptions,
  work: Work<StreamRecord>,
  condition: DiscardCondition,
  lastResult: InvokeResult | undefined,
): Promise<void> {
  const { mapping } = o;
  o.stats.discarded += work.records.length;
  const range = `${work.records[0]?.SequenceNumber}..${work.records[work.records.length - 1]?.SequenceNumber}`;
  if (mapping.onFailure === undefined) {
    o.log(
      `${o.shardId}: discarded ${work.records.length} record(s) ${range} (${condition}); no on-failure destination`,
    );
  } else {
    const record = kinesisFailureRecord({
      records: work.records,
      condition,
      shardId: o.shardId,
      streamArn: mapping.streamArn,
      functionArn: o.fn.arn,
      requestId: lastResult?.requestId ?? randomUUID(),
      invokes: work.invokes,
      ...(lastResult?.ok === false ? { functionError: 'Unhandled' as const } : {}),
    });
    try {
      await sendOnFailure(mapping.onFailure, record, o.clients);
      o.stats.onFailureSent++;
      o.log(
        `${o.shardId}: discarded ${range} (${condition}); on-failure record sent to ${mapping.onFailure.arn}`,
      );
    } catch (error) {
      o.log(
        `${o.shardId}: discarded ${range} (${condition}); sending the on-failure record failed: ${String(error)}`,
      );
    }
  }
  checkpoint(o, work.records);
}

function checkpoint(o: ShardConsumerOptions, records: readonly StreamRecord[]): void {
  const last = records[records.length - 1];
  if (last !== undefined) o.checkpoints.set(o.mapping.logicalId, o.shardId, last.SequenceNumber);
}

function arrival(record: StreamRecord): number {
  return record.ApproximateArrivalTimestamp.getTime();
}
