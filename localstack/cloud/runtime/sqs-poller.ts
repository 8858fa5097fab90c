import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { sqsMessagesToDelete } from './batch-response.ts';
import type { InvokeResult } from './invoke-result.ts';
import type { MappingStats } from './mapping-stats.ts';
import type { SqsMapping } from './mappings.ts';
import type { SqsReceiveObserver } from './options.ts';
import { toSqsEvent } from './sqs-event.ts';

export interface SqsPollerOptions {
  mapping: SqsMapping;
  sqs: SQSClient;
  region: string;
  invoke(event: unknown): Promise<InvokeResult>;
  /** Receive-invoke-delete loops that always run. */
  pollers: number;
  /** Most loops at once: a full receive starts another (Lambda's scaling with the backlog); default `pollers`. */
  maxPollers?: number;
  /** Least time between two added loops. */
  scaleUpMs?: number;
  /** ReceiveMessage WaitTimeSeconds (long polling); also bounds how long `stop()` waits for a receive. */
  waitTimeSeconds: number;
  stats: MappingStats;
  log(line: string): void;
  onReceive?: SqsReceiveObserver | undefined;
}

/**
 * Lambda's SQS poller for one mapping: receive (long poll, all attributes), invoke with the SQS event, delete
 * what succeeded. It never changes visibility and never moves a message itself: a failed message becomes visible
 * again after the queue's visibility timeout, and the queue's redrive policy moves it to the DLQ.
 */
export class SqsPoller {
  #running = false;
  readonly #loops = new Set<Promise<void>>();
  #nextScaleUp = 0;

  constructor(private readonly options: SqsPollerOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (let i = 0; i < this.options.pollers; i++) this.#spawn(true);
  }

  /** Lets each loop finish its current receive and batch (a received batch is always processed), then returns. */
  async stop(): Promise<void> {
    this.#running = false;
    while (this.#loops.size > 0) await Promise.all([...this.#loops]);
  }

  #spawn(lasting: boolean): void {
    const loop = this.#loop(lasting).finally(() => this.#loops.delete(loop));
    this.#loops.add(loop);
    this.options.stats.peakPollers = Math.max(this.options.stats.peakPollers, this.#loops.size);
  }

  /** A full receive means a backlog: add a loop, as Lambda adds concurrent batches, paced and capped. */
  #scaleUp(received: number): void {
    const { mapping, maxPollers = this.options.pollers, scaleUpMs = 0 } = this.options;
    if (received < Math.min(10, mapping.batchSize) || this.#loops.size >= maxPollers) return;
    if (Date.now() < this.#nextScaleUp) return;
    this.#nextScaleUp = Date.now() + scaleUpMs;
    this.#spawn(false);
  }

  /** A lasting loop runs until stop(); an added one ends on its first empty receive. */
  async #loop(lasting: boolean): Promise<void> {
    while (this.#running) {
      let messages: Message[];
      try {
        messages = await this.#receiveBatch();
      } catch (error) {
        this.options.log(`receive failed: ${describe(error)}`);
        await sleep(1000);
        continue;
      }
      if (messages.length === 0 && !lasting) return;
      this.#scaleUp(messages.length);
      if (messages.length > 0) await this.#process(messages);
      // Short polling (WaitTimeSeconds 0) would otherwise spin on an empty queue.
      else if (this.options.waitTimeSeconds === 0) await sleep(200);
    }
  }

  /** One batch: up to BatchSize messages, gathering for up to the batching window once the first arrives. */
  async #receiveBatch(): Promise<Message[]> {
    const { mapping, sqs, waitTimeSeconds } = this.options;
    const batch: Message[] = [];
    let windowEnds = Number.POSITIVE_INFINITY;
    do {
      const windowLeftSec = Math.ceil((windowEnds - Date.now()) / 1000);
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: mapping.queueUrl,
          MaxNumberOfMessages: Math.min(10, mapping.batchSize - batch.length),
          WaitTimeSeconds: Math.max(0, Math.min(waitTimeSeconds, windowLeftSec)),
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const received = out.Messages ?? [];
      if (batch.length === 0 && received.length > 0)
        windowEnds = Date.now() + mapping.batchingWindowSec * 1000;
      batch.push(...received);
      if (batch.length === 0) return batch;
    } while (batch.length < mapping.batchSize && Date.now() < windowEnds && this.#running);
    return batch;
  }

  async #process(messages: Message[]): Promise<void> {
    const { mapping, stats } = this.options;
    stats.batches++;
    stats.records += messages.length;
    this.options.onReceive?.(mapping.queueUrl, messages, Date.now());
    let result: InvokeResult | undefined;
    try {
      result = await this.options.invoke(
        toSqsEvent(messages, { queueArn: mapping.queueArn, region: this.options.region }),
      );
    } catch (error) {
      this.options.log(`invoke failed: ${describe(error)}`);
    }
    const ids = messages.map((m) => m.MessageId ?? '');
    const outcome = result?.ok ? { ok: true as const, payload: result.payload } : { ok: false as const };
    const toDelete = new Set(sqsMessagesToDelete(ids, outcome, mapping.reportBatchItemFailures));
    if (toDelete.size < messages.length) stats.failedBatches++;
    if (result && !result.ok) {
      this.options.log(
        `batch of ${messages.length} failed (${result.failure}: ${result.error.errorMessage}); left for redelivery`,
      );
    }
    await this.#delete(messages.filter((m) => toDelete.has(m.MessageId ?? '')));
  }

  async #delete(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      try {
        const out = await this.options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.options.mapping.queueUrl,
            Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        this.options.stats.deleted += out.Successful?.length ?? 0;
        for (const failed of out.Failed ?? [])
          this.options.log(`delete failed: ${failed.Code} ${failed.Message}`);
      } catch (error) {
        this.options.log(`delete failed: ${describe(error)}`);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
