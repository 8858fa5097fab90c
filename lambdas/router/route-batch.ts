import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { QueueUrls } from './config.ts';
import { BatchEntryFailedError, HeldBehindFailureError, SendFailedError } from './errors.ts';
import { planRecord } from './plan.ts';
import type { Consumer } from './routing.ts';

/** What became of one record of the batch. */
export type RecordOutcome =
  | { kind: 'routed'; consumers: number }
  | { kind: 'heartbeat' }
  /** Planning failed: the record is not an event, or its type goes nowhere (quarantined by the caller). */
  | { kind: 'unroutable'; error: unknown }
  /** A send failed, or an earlier record of its order failed: the mapping retries it. */
  | { kind: 'failed'; error: unknown };

/** SQS takes at most 10 entries per SendMessageBatch, and 256 KiB of bodies and attributes together. */
const maxEntries = 10;
const maxBatchBytes = 256 * 1024;

interface Planned {
  record: KinesisStreamRecord;
  eventId: string;
  entry: Omit<SendMessageBatchRequestEntry, 'Id'>;
  targets: readonly Consumer[];
  bytes: number;
}

/**
 * Routes a whole Kinesis batch: plans every record (no I/O), then sends each queue its records with
 * SendMessageBatch, ten at a time — one call per ten records and queue instead of one per record and queue.
 *
 * Order per order id is kept as the one-at-a-time router kept it:
 * - each queue gets its chunks one after the other, in shard order (a FIFO batch keeps its entries' order);
 * - a chunk holds at most one record per order, so a failed entry never has a later one of its order beside it;
 * - once a record of an order fails on a queue, that queue gets none of the order's later records in this batch
 *   (they fail as HeldBehindFailureError, and the mapping retries from the lowest failure; FIFO deduplication
 *   drops what the retry sends again).
 * `send` wraps each call (the handler waits out a short outage there). Records of other orders carry on.
 */
export async function routeBatch(
  records: readonly KinesisStreamRecord[],
  queueUrls: QueueUrls,
  send: (command: SendMessageBatchCommand) => Promise<SendMessageBatchCommandOutput>,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const planned: Planned[] = [];
  for (const record of records) {
    const seq = record.kinesis.sequenceNumber;
    try {
      const plan = planRecord(record);
      if (plan.kind === 'heartbeat') outcomes.set(seq, { kind: 'heartbeat' });
      else
        planned.push({
          record,
          eventId: plan.event.eventId,
          entry: plan.entry,
          targets: plan.targets,
          bytes: Buffer.byteLength(plan.entry.MessageBody) + attributeBytes(plan.entry),
        });
    } catch (error) {
      outcomes.set(seq, { kind: 'unroutable', error });
    }
  }
  const failures = new Map<string, { consumers: Set<Consumer>; errors: unknown[]; held: boolean }>();
  const fail = (p: Planned, consumer: Consumer, error: unknown, held = false) => {
    const f = failures.get(p.record.kinesis.sequenceNumber) ?? { consumers: new Set(), errors: [], held };
    f.consumers.add(consumer);
    f.errors.push(error);
    f.held &&= held;
    failures.set(p.record.kinesis.sequenceNumber, f);
  };
  const consumersInBatch = [...new Set(planned.flatMap((p) => p.targets))];
  await Promise.all(
    consumersInBatch.map((consumer) =>
      sendToQueue(
        consumer,
        queueUrls[consumer],
        planned.filter((p) => p.targets.includes(consumer)),
        send,
        fail,
      ),
    ),
  );
  for (const p of planned) {
    const seq = p.record.kinesis.sequenceNumber;
    const f = failures.get(seq);
    if (!f) outcomes.set(seq, { kind: 'routed', consumers: p.targets.length });
    else if (f.held)
      outcomes.set(seq, {
        kind: 'failed',
        error: new HeldBehindFailureError(seq, p.record.kinesis.partitionKey),
      });
    else {
      const cause =
        f.errors.length === 1 ? f.errors[0] : new AggregateError(f.errors, 'several sends failed');
      outcomes.set(seq, {
        kind: 'failed',
        error: new SendFailedError(p.eventId, [...f.consumers], { cause }),
      });
    }
  }
  return outcomes;
}

/** One queue's share of the batch, chunk after chunk; a failed order's later records are held back. */
async function sendToQueue(
  consumer: Consumer,
  queueUrl: string,
  mine: Planned[],
  send: (command: SendMessageBatchCommand) => Promise<SendMessageBatchCommandOutput>,
  fail: (p: Planned, consumer: Consumer, error: unknown, held?: boolean) => void,
): Promise<void> {
  const failedKeys = new Set<string>();
  let rest = mine;
  while (rest.length > 0) {
    const chunk: Planned[] = [];
    const later: Planned[] = [];
    const keys = new Set<string>();
    let bytes = 0;
    for (const p of rest) {
      const key = p.record.kinesis.partitionKey;
      if (failedKeys.has(key)) {
        fail(p, consumer, new HeldBehindFailureError(p.record.kinesis.sequenceNumber, key), true);
        continue;
      }
      // Full, or an order already in this chunk (or waiting behind one): it and all after it wait for the next.
      const fits = chunk.length < maxEntries && bytes + p.bytes <= maxBatchBytes;
      if (later.length > 0 || !fits || keys.has(key)) later.push(p);
      else {
        chunk.push(p);
        keys.add(key);
        bytes += p.bytes;
      }
    }
    if (chunk.length === 0) break;
    const entries = chunk.map((p, i) => ({ Id: String(i), ...p.entry }));
    try {
      const result = await send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      for (const failed of result.Failed ?? []) {
        const p = chunk[Number(failed.Id)];
        if (!p) continue;
        failedKeys.add(p.record.kinesis.partitionKey);
        fail(p, consumer, new BatchEntryFailedError(p.eventId, consumer, failed));
      }
    } catch (error) {
      for (const p of chunk) {
        failedKeys.add(p.record.kinesis.partitionKey);
        fail(p, consumer, error);
      }
    }
    rest = later;
  }
}

function attributeBytes(entry: Omit<SendMessageBatchRequestEntry, 'Id'>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {}))
    bytes += name.length + (value.DataType?.length ?? 0) + (value.StringValue?.length ?? 0);
  return bytes;
}
