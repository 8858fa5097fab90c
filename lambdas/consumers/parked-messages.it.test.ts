import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClientConfig } from '../../localstack/test/fixtures/aws.ts';
import { ParkedMessages, releaseParked } from './parked-messages.ts';

// Against the emulator's SQS FIFO: a message parked with a long visibility timeout, as the consumer parks one
// during an outage, is received again right after its release, in its group's order.
const sqs = new SQSClient(testClientConfig());
let queueUrl: string;

beforeAll(async () => {
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: `parked-it-${randomUUID().slice(0, 8)}.fifo`,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '30' },
    }),
  );
  queueUrl = created.QueueUrl!;
});
afterAll(async () => {
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => {});
  sqs.destroy();
});

const receive = async () =>
  (
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    )
  ).Messages ?? [];

describe('releaseParked', () => {
  it('makes parked messages visible at once, and the group comes back in order', async () => {
    for (const body of ['first', 'second'])
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageGroupId: 'order-1' }),
      );
    const got = await receive();
    expect(got.map((m) => m.Body)).toEqual(['first', 'second']);
    const parked = new ParkedMessages();
    const until = Date.now() + 120_000;
    for (const m of got) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: m.ReceiptHandle!,
          VisibilityTimeout: 120,
        }),
      );
      parked.park({ messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, until });
    }
    expect(await receive()).toEqual([]);
    const released = await releaseParked(sqs, queueUrl, parked.takeReleasable(Date.now()), (error) => {
      throw error;
    });
    expect(released).toBe(2);
    expect((await receive()).map((m) => m.Body)).toEqual(['first', 'second']);
  });
});
