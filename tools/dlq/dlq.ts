import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { quarantineAttributes } from '../../lambdas/shared/quarantine-attributes.ts';

type Sqs = Pick<SQSClient, 'send'>;

export interface Depth {
  visible: number;
  inFlight: number;
}

export async function queueDepth(sqs: Sqs, queueUrl: string): Promise<Depth> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** One DLQ message as `show` prints it. `quarantine` is empty for a message the queue's redrive moved. */
export interface DlqMessage {
  messageId: string;
  groupId: string | undefined;
  sentAt: string | undefined;
  /** The `holdline.*` attributes without the prefix: reason, errorName, sourceQueue, receiveCount, failedAt. */
  quarantine: Record<string, string>;
  attributes: Record<string, string>;
  body: string;
}

function describeMessage(m: Message): DlqMessage {
  const quarantine: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) {
    const text = value.StringValue ?? `(${value.DataType})`;
    if (name.startsWith('holdline.')) quarantine[name.slice('holdline.'.length)] = text;
    else attributes[name] = text;
  }
  const sent = m.Attributes?.SentTimestamp;
  return {
    messageId: m.MessageId ?? '',
    groupId: m.Attributes?.MessageGroupId,
    sentAt: sent ? new Date(Number(sent)).toISOString() : undefined,
    quarantine,
    attributes,
    body: m.Body ?? '',
  };
}

const receive = async (sqs: Sqs, queueUrl: string, visibilitySeconds: number, max = 10) =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: 1,
        VisibilityTimeout: visibilitySeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    )
  ).Messages ?? [];

/** Makes received messages visible again at once (best effort: otherwise they reappear after their timeout). */
async function release(sqs: Sqs, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages.slice(i, i + 10).map((m, j) => ({
      Id: String(j),
      ReceiptHandle: m.ReceiptHandle,
      VisibilityTimeout: 0,
    }));
    await sqs
      .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }))
      .catch(() => {});
  }
}

/**
 * Reads up to `max` DLQ messages without removing them: receives (each for 30 s) until nothing more comes, then
 * releases them all. A FIFO queue hands out a group's later messages only after its earlier ones, so a group with
 * more than ten messages is shown in part.
 */
export async function peek(sqs: Sqs, dlqUrl: string, max = 50): Promise<DlqMessage[]> {
  const held: Message[] = [];
  try {
    while (held.length < max) {
      const got = await receive(sqs, dlqUrl, 30, max - held.length);
      if (got.length === 0) break;
      held.push(...got);
    }
  } finally {
    await release(sqs, dlqUrl, held);
  }
  return held.map(describeMessage);
}

export interface ReplayOptions {
  /** The queue to send to; default each message's `holdline.sourceQueue` (a queue ARN). */
  sourceUrl?: string;
  /** Stop after this many. Default: all. */
  max?: number;
  /** Called after each message moved. */
  onMoved?(message: DlqMessage, total: number): void;
  /**
   * Test hook for the crash-safety claim: stop (as if killed) after sending this many, before deleting the last.
   * The DLQ keeps that message; the next replay sends it again with the same deduplication id.
   */
  crashAfterSends?: number;
}

export interface ReplayResult {
  moved: number;
  /** Moved messages per source queue URL. */
  bySource: Record<string, number>;
  /** Quarantine reasons of what was moved, for the operator's record. */
  reasons: Record<string, number>;
}

export class ReplayInterruptedError extends Error {
  override name = 'ReplayInterruptedError';
}

/**
 * Moves the messages in the DLQ when it starts back to their source queue, group by group in order: send (same body, group and attributes,
 * minus the `holdline.*` ones; deduplication id `replay-<DLQ message id>`), then delete from the DLQ. Crash-safe in
 * that order: a replay killed between the two leaves the message in the DLQ, and the next replay sends it again
 * with the same deduplication id — SQS drops that repeat within 5 minutes, and after that the consumers'
 * idempotency (event id) absorbs it. Does the same thing against AWS and ElasticMQ (whose StartMessageMoveTask
 * moves nothing for FIFO queues).
 */
export async function replay(sqs: Sqs, dlqUrl: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const result: ReplayResult = { moved: 0, bySource: {}, reasons: {} };
  const urls = new Map<string, string>();
  const sourceOf = async (m: Message): Promise<string> => {
    if (options.sourceUrl) return options.sourceUrl;
    const arn = m.MessageAttributes?.[quarantineAttributes.sourceQueue]?.StringValue;
    if (!arn)
      throw new Error(
        `message ${m.MessageId} has no ${quarantineAttributes.sourceQueue} (moved by the queue's redrive): give the source queue`,
      );
    let url = urls.get(arn);
    if (!url) {
      const name = arn.split(':').at(-1)!;
      url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
      urls.set(arn, url);
    }
    return url;
  };
  const max = options.max ?? Number.POSITIVE_INFINITY;
  // Only what was in the DLQ when the replay began: a replayed message that fails again and is quarantined anew
  // must wait for the next replay, or a still-poisonous message would circle forever. Newer messages are held
  // (in flight) until the end, so receives move on to other groups, then released.
  const startedAt = Date.now();
  const newer: Message[] = [];
  let sends = 0;
  try {
    while (result.moved < max) {
      const batch = await receive(sqs, dlqUrl, 60, max - result.moved);
      if (batch.length === 0) break;
      for (const [i, m] of batch.entries()) {
        if (Number(m.Attributes?.SentTimestamp ?? 0) > startedAt) {
          newer.push(m);
          continue;
        }
        try {
          const sourceUrl = await sourceOf(m);
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: sourceUrl,
              MessageBody: m.Body ?? '',
              MessageGroupId: m.Attributes?.MessageGroupId ?? m.MessageId!,
              MessageDeduplicationId: `replay-${m.MessageId}`,
              MessageAttributes: withoutQuarantine(m.MessageAttributes),
            }),
          );
          sends++;
          if (options.crashAfterSends !== undefined && sends >= options.crashAfterSends)
            throw new ReplayInterruptedError(
              `interrupted after ${sends} sends, before deleting ${m.MessageId}`,
            );
          await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
          const described = describeMessage(m);
          result.moved++;
          result.bySource[sourceUrl] = (result.bySource[sourceUrl] ?? 0) + 1;
          const reason = described.quarantine.errorName ?? '(redrive: no reason)';
          result.reasons[reason] = (result.reasons[reason] ?? 0) + 1;
          options.onMoved?.(described, result.moved);
        } catch (error) {
          // The rest of this batch stays in the DLQ; make it visible now rather than in 60 s (after a real
          // crash, the 60 s visibility timeout does the same).
          await release(sqs, dlqUrl, batch.slice(i));
          throw error;
        }
      }
    }
  } finally {
    await release(sqs, dlqUrl, newer);
  }
  return result;
}

function withoutQuarantine(
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(attributes ?? {})
      .filter(([name]) => !name.startsWith('holdline.'))
      .map(([name, v]) => [
        name,
        {
          DataType: v.DataType,
          ...(v.StringValue === undefined ? {} : { StringValue: v.StringValue }),
          ...(v.BinaryValue === undefined ? {} : { BinaryValue: v.BinaryValue }),
        },
      ]),
  );
}
