import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { CheckContext } from '../types.ts';
import { clientConfig, sleep } from './util.ts';

export function sqsClient(ctx: CheckContext): SQSClient {
  return new SQSClient(clientConfig(ctx.endpoint));
}

export interface Queue {
  url: string;
  arn: string;
}

/** Creates `<prefix>-<suffix>.fifo` and reads back its ARN (needed for redrive policies and move tasks). */
export async function fifoQueue(
  sqs: SQSClient,
  ctx: CheckContext,
  suffix: string,
  attributes: Record<string, string> = {},
): Promise<Queue> {
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${ctx.prefix}-${suffix}.fifo`,
      Attributes: { FifoQueue: 'true', ...attributes },
    }),
  );
  const url = created.QueueUrl;
  if (!url) throw new Error('CreateQueue returned no QueueUrl');
  const got = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = got.Attributes?.QueueArn;
  if (!arn) throw new Error('GetQueueAttributes returned no QueueArn');
  return { url, arn };
}

export async function sendFifo(sqs: SQSClient, url: string, body: string, group: string, dedup: string) {
  return sqs.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: dedup,
    }),
  );
}

export async function receive(
  sqs: SQSClient,
  url: string,
  options: { max?: number; waitSeconds?: number; visibility?: number } = {},
): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: options.max ?? 10,
      WaitTimeSeconds: options.waitSeconds ?? 0,
      ...(options.visibility === undefined ? {} : { VisibilityTimeout: options.visibility }),
      // Both spellings: older emulators only read the deprecated AttributeNames.
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
}

export async function remove(sqs: SQSClient, url: string, message: Message): Promise<void> {
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
}

/** Receives and deletes until two consecutive empty receives; returns bodies in delivery order. */
export async function drain(sqs: SQSClient, url: string, maxRounds = 20): Promise<Message[]> {
  const seen: Message[] = [];
  let empty = 0;
  for (let round = 0; round < maxRounds && empty < 2; round++) {
    const batch = await receive(sqs, url, { visibility: 30 });
    if (batch.length === 0) {
      empty++;
      await sleep(150);
      continue;
    }
    empty = 0;
    for (const message of batch) {
      seen.push(message);
      await remove(sqs, url, message);
    }
  }
  return seen;
}

export const bodies = (messages: Message[]): string[] => messages.map((m) => m.Body ?? '?');
export const groupOf = (message: Message | undefined): string | undefined =>
  message?.Attributes?.MessageGroupId;
export const receiveCountOf = (message: Message | undefined): string | undefined =>
  message?.Attributes?.ApproximateReceiveCount;
