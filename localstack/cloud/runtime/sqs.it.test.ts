import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClientConfig } from '../../test/fixtures/aws.ts';
import { type Fixture, logicalIdOf, startFixture } from '../../test/fixtures/harness.ts';
import { sqsPartialFailureFixture } from '../../test/fixtures/runtime-stacks.ts';
import { eventually, readRecords } from '../../test/fixtures/wait.ts';

interface Delivery {
  body: string;
  messageId: string;
  receiveCount: string;
  groupId: string;
  sequenceNumber: string;
  dedupId: string;
  kind?: string;
  eventSourceARN: string;
}

describe('SQS FIFO event source with ReportBatchItemFailures', () => {
  const sqs = new SQSClient(testClientConfig());
  let fixture: Fixture;
  let queueUrl: string;
  let dlqUrl: string;

  beforeAll(async () => {
    const template = sqsPartialFailureFixture();
    fixture = await startFixture(template, 'SqsPartial');
    const resources = fixture.provisioned.resources;
    queueUrl = resources[logicalIdOf(template, 'AWS::SQS::Queue', 'Orders')]?.ref ?? '';
    dlqUrl = resources[logicalIdOf(template, 'AWS::SQS::Queue', 'RejectsDlq')]?.ref ?? '';
  });

  afterAll(async () => {
    await fixture?.close();
    sqs.destroy();
  });

  it('deletes the successes, redelivers the reported failure, and the queue redrive moves it to the DLQ', async () => {
    // prepare: three groups, the middle message is rejected by the test double every time
    for (const [group, body] of [
      ['order-1', 'accept 1'],
      ['order-2', 'reject 2'],
      ['order-3', 'accept 3'],
    ] as const) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: body.replace(' ', '-'),
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'OrderPlaced' } },
        }),
      );
    }

    // act: let the runtime poll until the rejected message has left the queue for the DLQ
    const dead = await eventually(
      'the rejected message in the DLQ',
      async () => {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }));
        return out.Messages?.[0];
      },
      30_000,
    );

    // assert
    expect(dead.Body).toBe('reject 2');
    const deliveries = readRecords<Delivery>(fixture.recordFile);
    const byBody = (body: string) => deliveries.filter((d) => d.body === body);
    expect(byBody('accept 1').map((d) => d.receiveCount)).toEqual(['1']);
    expect(byBody('accept 3').map((d) => d.receiveCount)).toEqual(['1']);
    expect(byBody('reject 2').map((d) => d.receiveCount)).toEqual(['1', '2']);
    expect(byBody('reject 2')[0]).toMatchObject({
      groupId: 'order-2',
      dedupId: 'reject-2',
      kind: 'OrderPlaced',
      eventSourceARN: expect.stringMatching(/SqsPartial-Orders.*\.fifo$/),
      sequenceNumber: expect.stringMatching(/^\d+$/),
    });
    const leftover = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(leftover.Messages ?? []).toEqual([]);
    const stats = fixture.runtime.stats();
    expect(Object.values(stats.mappings)[0]).toMatchObject({ kind: 'sqs', deleted: 2 });
  });

  it('holds messages while the mapping is disabled and consumes them once it is enabled again', async () => {
    // prepare
    const [mappingId] = Object.keys(fixture.runtime.stats().mappings);
    await fixture.runtime.setMappingEnabled(mappingId ?? '', false);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'accept later',
        MessageGroupId: 'order-4',
        MessageDeduplicationId: 'later',
      }),
    );

    // act + assert: nothing is delivered while disabled, then it is
    await sleep(1500);
    expect(readRecords<Delivery>(fixture.recordFile).some((d) => d.body === 'accept later')).toBe(false);
    await fixture.runtime.setMappingEnabled(mappingId ?? '', true);
    const delivered = await eventually('the held message', () =>
      readRecords<Delivery>(fixture.recordFile).find((d) => d.body === 'accept later'),
    );
    expect(delivered.receiveCount).toBe('1');
  });
});
