import { SendMessageBatchCommand, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import type { ChangeConsumerName } from '../shared/change-consumers.ts';
import type { LaneQueueUrls } from './config.ts';
import { RuleSendFailedError } from './errors.ts';
import type { RuleDelivery } from './plan.ts';

/** SQS takes at most 10 entries per SendMessageBatch. */
const maxEntries = 10;

/**
 * Sends each queue (a consumer's normal or bulk lane) its deliveries in the given (stream) order, ten per SendMessageBatch, one batch after the
 * other (a FIFO batch keeps its entries' order). Throws RuleSendFailedError on the first entry SQS refuses, so
 * nothing later is sent ahead of it; the caller's retry resends, and FIFO deduplication drops the repeats.
 */
export async function sendInOrder(
  deliveries: readonly RuleDelivery[],
  queueUrls: LaneQueueUrls,
  send: (command: SendMessageBatchCommand) => Promise<SendMessageBatchCommandOutput>,
): Promise<void> {
  const byQueue = new Map<string, { consumer: ChangeConsumerName; mine: RuleDelivery[] }>();
  for (const d of deliveries) {
    const url = queueUrls[d.lane][d.consumer];
    const queue = byQueue.get(url) ?? { consumer: d.consumer, mine: [] };
    queue.mine.push(d);
    byQueue.set(url, queue);
  }
  await Promise.all(
    [...byQueue].map(async ([url, { consumer, mine }]) => {
      for (let i = 0; i < mine.length; i += maxEntries) {
        const chunk = mine.slice(i, i + maxEntries);
        const result = await send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: chunk.map((d, n) => ({ Id: String(n), ...d.entry })),
          }),
        );
        const failed = result.Failed?.[0];
        if (failed) throw new RuleSendFailedError(consumer, failed.Code ?? 'unknown', failed.Message ?? '');
      }
    }),
  );
}
