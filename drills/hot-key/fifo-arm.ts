import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { percentile, round } from '../kit/stats.ts';
import { type LoadShape, schedule, whaleId } from './load.ts';
import { orderViolations, type SeenEvent } from './order-check.ts';

/** Which message group the whale's events get; small customers keep one group per customer in both arms. */
export type WhaleGroup = 'per-customer' | 'per-order';

export interface FifoArmResult {
  whaleGroup: WhaleGroup;
  metrics: {
    whaleP99Ms: number;
    othersP99Ms: number;
    orderViolations: number;
    lost: number;
    /** Consumer workers busy on average over the run, of `workers`. */
    meanBusyWorkers: number;
    /** Most whale batches being processed at one moment. */
    whaleMaxParallel: number;
  };
}

const roundMs = 50;

/**
 * One FIFO arm with a small in-drill consumer loop (named as one, not the product's consumer): `workers` loops,
 * each receiving up to 10 messages, processing them in order at a modelled cost, then deleting them. FIFO
 * holds a group while any of its messages is in flight, so one group is processed by one worker at a time.
 */
export async function runFifoArm(options: {
  sqs: SQSClient;
  whaleGroup: WhaleGroup;
  load: LoadShape;
  workers: number;
  processMs: number;
  drainMs: number;
  log(line: string): void;
}): Promise<FifoArmResult> {
  const { QueueUrl } = await options.sqs.send(
    new CreateQueueCommand({
      QueueName: `hot-key-${options.whaleGroup}-${Date.now()}.fifo`,
      Attributes: { FifoQueue: 'true', VisibilityTimeout: '60' },
    }),
  );
  const queueUrl = QueueUrl!;
  const startMs = Date.now() + 200;
  const rounds = schedule(options.load, startMs, roundMs);
  const expected = rounds.reduce((n, r) => n + r.length, 0);
  const seen: Array<SeenEvent & { customerId: string; latencyMs: number }> = [];
  let busy = 0;
  let busySum = 0;
  let busySamples = 0;
  let whaleInFlight = 0;
  let whaleMaxParallel = 0;
  let stopping = false;
  const worker = async () => {
    while (!stopping) {
      const { Messages = [] } = await options.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) continue;
      busy += 1;
      const bodies = Messages.map((m) => JSON.parse(m.Body!));
      const whale = bodies.some((b) => b.payload.customerId === whaleId);
      if (whale) whaleMaxParallel = Math.max(whaleMaxParallel, ++whaleInFlight);
      for (const body of bodies) {
        await sleep(options.processMs);
        seen.push({
          orderId: body.aggregateId,
          sequence: body.sequence,
          customerId: body.payload.customerId,
          latencyMs: Date.now() - body.dueAt,
        });
      }
      if (whale) whaleInFlight -= 1;
      busy -= 1;
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  };
  const sampler = setInterval(() => {
    busySum += busy;
    busySamples += 1;
  }, 50);
  const workers = Array.from({ length: options.workers }, () => worker());
  for (let i = 0; i < rounds.length; i++) {
    await sleep(Math.max(0, startMs + i * roundMs - Date.now()));
    const events = rounds[i]!;
    // One batch after the other: batches sent at once could put an order's later event ahead of its earlier one.
    for (let j = 0; j < events.length; j += 10) {
      await options.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: events.slice(j, j + 10).map((e, k) => ({
            Id: String(k),
            MessageBody: JSON.stringify({ ...e.message, dueAt: e.dueAt }),
            MessageGroupId:
              e.customerId === whaleId && options.whaleGroup === 'per-order'
                ? e.message.aggregateId
                : e.customerId,
            MessageDeduplicationId: e.message.eventId,
          })),
        }),
      );
    }
  }
  const drainBy = Date.now() + options.drainMs;
  while (seen.length < expected && Date.now() < drainBy) await sleep(100);
  stopping = true;
  clearInterval(sampler);
  await Promise.all(workers);
  await options.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  const latency = (whale: boolean) =>
    seen.filter((s) => (s.customerId === whaleId) === whale).map((s) => s.latencyMs);
  const result: FifoArmResult = {
    whaleGroup: options.whaleGroup,
    metrics: {
      whaleP99Ms: round(percentile(latency(true), 99), 0),
      othersP99Ms: round(percentile(latency(false), 99), 0),
      orderViolations: orderViolations(seen),
      lost: expected - new Set(seen.map((s) => `${s.orderId}/${s.sequence}`)).size,
      meanBusyWorkers: round(busySum / Math.max(1, busySamples), 2),
      whaleMaxParallel,
    },
  };
  options.log(`  FIFO whale group ${options.whaleGroup}: ${JSON.stringify(result.metrics)}`);
  return result;
}
