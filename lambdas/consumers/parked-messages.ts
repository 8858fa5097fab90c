import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A message this container handed back with a long visibility timeout while a dependency was down. */
export interface ParkedMessage {
  messageId: string;
  receiptHandle: string;
  /** When its visibility timeout ends (epoch ms): until then, nobody else can have received it. */
  until: number;
}

/**
 * Messages handed back to wait out an outage, kept per container so that they can come back as soon as the
 * dependency is: when this container's breaker closes, each one still invisible is made visible at once instead
 * of after the rest of its backoff (up to `outageBackoffMax`). Only a message whose timeout has not ended is
 * released, since after that its receipt handle may name a delivery another container is processing. Bounded:
 * past `limit`, the oldest entries are dropped, and those messages simply wait out their backoff.
 */
export class ParkedMessages {
  private readonly parked = new Map<string, ParkedMessage>();

  constructor(private readonly limit = 1000) {}

  get size(): number {
    return this.parked.size;
  }

  park(message: ParkedMessage): void {
    this.parked.delete(message.messageId);
    this.parked.set(message.messageId, message);
    for (const oldest of this.parked.keys()) {
      if (this.parked.size <= this.limit) break;
      this.parked.delete(oldest);
    }
  }

  /** The message was received again (its old handle is stale) or is done. */
  forget(messageId: string): void {
    this.parked.delete(messageId);
  }

  /** Everything still invisible more than `marginMs` from `now`, removed from the list; the rest is dropped. */
  takeReleasable(now: number, marginMs = 1_000): ParkedMessage[] {
    const releasable = [...this.parked.values()].filter((m) => m.until > now + marginMs);
    this.parked.clear();
    return releasable;
  }
}

/**
 * Makes `messages` visible now (ChangeMessageVisibility 0, in batches of 10). Best effort: a message not released
 * comes back when its backoff ends. Returns how many were released.
 */
export async function releaseParked(
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  messages: readonly ParkedMessage[],
  onError: (error: unknown) => void,
): Promise<number> {
  let released = 0;
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    try {
      const out = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((m, j) => ({
            Id: String(j),
            ReceiptHandle: m.receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      released += chunk.length - (out.Failed?.length ?? 0);
    } catch (error) {
      onError(error);
    }
  }
  return released;
}
