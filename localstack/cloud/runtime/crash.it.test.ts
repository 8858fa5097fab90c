import { ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClientConfig } from '../../test/fixtures/aws.ts';
import { type Fixture, logicalIdOf, startFixture } from '../../test/fixtures/harness.ts';
import { sqsCrashFixture } from '../../test/fixtures/runtime-stacks.ts';
import { eventually, isAlive, readRecords } from '../../test/fixtures/wait.ts';

interface Entry {
  pid: number;
  body?: string;
  receiveCount?: string;
  crashing?: string;
}

describe('a worker process that dies mid-batch', () => {
  const sqs = new SQSClient(testClientConfig());
  let fixture: Fixture;
  let queueUrl: string;
  let consumerId: string;

  beforeAll(async () => {
    const template = sqsCrashFixture();
    fixture = await startFixture(template, 'SqsCrash');
    queueUrl = fixture.provisioned.resources[logicalIdOf(template, 'AWS::SQS::Queue', 'Payments')]?.ref ?? '';
    consumerId = logicalIdOf(template, 'AWS::Lambda::Function', 'Consumer');
  });

  afterAll(async () => {
    await fixture?.close();
    sqs.destroy();
  });

  it('is a function error: the batch comes back after the visibility timeout and a fresh process serves it', async () => {
    // prepare: one group, the second message makes the test double SIGKILL itself on first delivery
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: ['pay 1', 'crash 2', 'pay 3'].map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageGroupId: 'order-9',
          MessageDeduplicationId: `m${i}`,
        })),
      }),
    );

    // act: wait until every message was processed, the crashed one on its redelivery
    const entries = await eventually(
      'all three messages processed',
      () => {
        const all = readRecords<Entry>(fixture.recordFile);
        const bodies = new Set(all.filter((e) => e.body).map((e) => e.body));
        const crashRetried = all.some((e) => e.body === 'crash 2' && e.receiveCount === '2');
        return bodies.size === 3 && crashRetried ? all : undefined;
      },
      30_000,
    );

    // assert: how the queue splits messages into batches is its business; what must hold is below.
    const crashed = entries.find((e) => e.crashing !== undefined);
    const processed = entries.filter((e) => e.body);
    expect(crashed).toBeDefined();
    // The message the process died on was never processed on its first delivery, only on its redelivery...
    expect(processed.filter((e) => e.body === 'crash 2').map((e) => e.receiveCount)).toEqual(['2']);
    // ...by a fresh process, after the crashed one was gone.
    const retry = processed.find((e) => e.body === 'crash 2');
    expect(retry?.pid).not.toBe(crashed?.pid);
    expect(isAlive(crashed?.pid ?? 0)).toBe(false);
    // FIFO: the group's messages were first processed in send order, crash or not.
    const firstSeen = [...new Set(processed.map((e) => e.body))];
    expect(firstSeen).toEqual(['pay 1', 'crash 2', 'pay 3']);
    const stats = await eventually('the redelivered batch to be acknowledged', () => {
      const s = fixture.runtime.stats();
      return Object.values(s.mappings)[0]?.deleted === 3 ? s : undefined;
    });
    expect(stats.functions[consumerId]).toMatchObject({ crashes: 1, errors: 1, coldStarts: 2 });
    const leftover = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(leftover.Messages ?? []).toEqual([]);
  });
});
