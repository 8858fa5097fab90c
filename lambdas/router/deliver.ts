import { SendMessageCommand, type SendMessageCommandOutput } from '@aws-sdk/client-sqs';
import type { QueueUrls } from './config.ts';
import { SendFailedError } from './errors.ts';
import type { RecordPlan } from './plan.ts';

/** The part of SQSClient the router uses; tests pass a fake. */
export interface SqsSender {
  send(command: SendMessageCommand): Promise<SendMessageCommandOutput>;
}

/**
 * Sends the event to every target queue, concurrently (separate queues: there is no order between them to keep).
 * Any failed send throws SendFailedError, so the record is retried — including the sends that succeeded. That is
 * harmless: FIFO queues drop a message whose deduplication id (the event id) they saw in the last 5 minutes, even
 * if it was already received and deleted; a retry that comes later than that is absorbed by the consumers, which
 * keep processed event ids in their idempotency table (24 h).
 */
export async function deliver(
  sqs: SqsSender,
  queueUrls: QueueUrls,
  plan: Extract<RecordPlan, { kind: 'deliver' }>,
): Promise<void> {
  const { event, targets, entry } = plan;
  // allSettled, not all: every send has finished (or failed) before the record's verdict, so nothing is still in
  // flight when the next record — or the next invocation — starts.
  const results = await Promise.allSettled(
    targets.map((consumer) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrls[consumer], ...entry }))),
  );
  const failed = targets.filter((_, i) => results[i]?.status === 'rejected');
  if (failed.length === 0) return;
  const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  const cause = errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} sends failed`);
  throw new SendFailedError(event.eventId, failed, { cause });
}
