import { ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, logicalIdOf, startFixture } from '../test/fixtures/harness.ts';
import { sqsCrashFixture } from '../test/fixtures/runtime-stacks.ts';
import { eventually, isAlive, readRecords } from '../test/fixtures/wait.ts';

interface Entry {
  pid: number;
  body?: string;
  receiveCount?: string;
  crashing?: string;
}

describe('a worker process that dies mid-batch', () => {
  const sqs = new SQSClient({});
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

    // act: wait until every message was processed on redelivery
    const entries = await eventually(
      'all three messages processed',
      () => {
        const all = readRecords<Entry>(fixture.recordFile);
        return all.filter((e) => e.receiveCount === '2').length === 3 ? all : undefined;
      },
      30_000,
    );

    // assert
    const crashed = entries.find((e) => e.crashing !== undefined);
    const retried = entries.filter((e) => e.receiveCount === '2');
    expect(crashed).toBeDefined();
    expect(entries.filter((e) => e.body === 'pay 1').map((e) => e.receiveCount)).toEqual(['1', '2']);
    // Order within the group is NOT asserted: moto re-delivers a timed-out FIFO batch last-message-first (its
    // receive un-pends a group only after scanning past the earlier messages), which AWS would not do.
    expect(retried.map((e) => e.body).sort()).toEqual(['crash 2', 'pay 1', 'pay 3']);
    expect(new Set(retried.map((e) => e.pid)).size).toBe(1);
    expect(retried[0]?.pid).not.toBe(crashed?.pid);
    expect(isAlive(crashed?.pid ?? 0)).toBe(false);
    const stats = await eventually('the redelivered batch to be acknowledged', () => {
      const s = fixture.runtime.stats();
      return Object.values(s.mappings)[0]?.deleted === 3 ? s : undefined;
    });
    // One crashed invocation, then the redelivery: one batch in AWS; moto (above) may split it in two.
    expect(stats.functions[consumerId]).toMatchObject({ crashes: 1, errors: 1, coldStarts: 2 });
    const leftover = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(leftover.Messages ?? []).toEqual([]);
  });
});
