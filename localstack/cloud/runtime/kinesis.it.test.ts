import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAws, testClientConfig } from '../../test/fixtures/aws.ts';
import { type Fixture, logicalIdOf, startFixture } from '../../test/fixtures/harness.ts';
import { kinesisFixture } from '../../test/fixtures/runtime-stacks.ts';
import { eventually, readRecords } from '../../test/fixtures/wait.ts';
import { kinesisClient } from '../provision/clients.ts';
import type { Provisioned } from '../provision/index.ts';
import { CheckpointStore } from './checkpoints.ts';

interface Seen {
  shard: string;
  seq: string;
  key: string;
  n: number;
}
interface Invocation {
  pid: number;
  batch: Seen[];
}

const template = kinesisFixture();
const ids = {
  ordered: logicalIdOf(template, 'AWS::Kinesis::Stream', 'Ordered'),
  poisoned: logicalIdOf(template, 'AWS::Kinesis::Stream', 'Poisoned'),
  failures: logicalIdOf(template, 'AWS::SQS::Queue', 'StreamFailures'),
  strict: logicalIdOf(template, 'AWS::Lambda::Function', 'StrictReader'),
};
const mappingOf = (prefix: string) =>
  Object.keys(template.Resources ?? {}).find(
    (id) => id.startsWith(prefix) && template.Resources?.[id]?.Type === 'AWS::Lambda::EventSourceMapping',
  ) ?? '';

describe('Kinesis event sources', () => {
  const kinesis = kinesisClient(testAws());
  const sqs = new SQSClient(testClientConfig());
  let fixture: Fixture;
  const seqOf = new Map<number, string>();
  /** Last sequence number put per stream/shard: a mapping is done with a shard when its checkpoint is there. */
  const lastPut = new Map<string, { stream: string; shard: string; seq: string }>();

  async function put(
    provisioned: Provisioned,
    stream: string,
    key: string,
    payload: Record<string, unknown>,
  ) {
    const out = await kinesis.send(
      new PutRecordCommand({
        StreamName: provisioned.resources[stream]?.ref,
        PartitionKey: key,
        Data: Buffer.from(JSON.stringify(payload)),
      }),
    );
    seqOf.set(Number(payload.n), out.SequenceNumber ?? '');
    lastPut.set(`${stream}/${out.ShardId}`, {
      stream,
      shard: out.ShardId ?? '',
      seq: out.SequenceNumber ?? '',
    });
  }

  /** Waits until the mapping reading `stream` has checkpointed the last record put into each of its shards. */
  async function drained(stream: string, mappingPrefix: string): Promise<void> {
    const file = join(fixture.dir, 'state', 'kinesis-checkpoints.json');
    await eventually(`${mappingPrefix} to checkpoint every shard`, () => {
      if (!existsSync(file)) return undefined;
      const store = new CheckpointStore(file);
      const shards = [...lastPut.values()].filter((p) => p.stream === stream);
      return shards.every((p) => store.get(mappingOf(mappingPrefix), p.shard) === p.seq) ? true : undefined;
    });
  }

  const invocations = (n: (batch: Seen[]) => boolean) =>
    readRecords<Invocation>(fixture.recordFile)
      .map((i) => i.batch)
      .filter(n);
  const orderedBatches = () => invocations((b) => b.every((r) => r.n < 50));
  const poisonedBatches = () => invocations((b) => b.every((r) => r.n >= 50 && r.n < 100));

  beforeAll(async () => {
    // prepare: records are in the streams before the runtime starts, so each shard's first batch holds them all;
    // the two flaky records share a partition key, hence a shard, so one response reports both
    fixture = await startFixture(template, 'KinesisRt', {
      beforeStart: async (provisioned) => {
        for (let n = 0; n < 8; n++) {
          await put(provisioned, ids.ordered, `order-${n % 4}`, { n, flaky: n === 2 || n === 6 });
        }
        for (const n of [51, 52, 53, 54])
          await put(provisioned, ids.poisoned, 'order-x', { n, poison: n === 53 });
      },
    });
  });

  afterAll(async () => {
    await fixture?.close();
    kinesis.destroy();
    sqs.destroy();
  });

  it('delivers each shard in order and, after reported item failures, retries from the lowest one', async () => {
    await drained(ids.ordered, 'FlakyReader');
    const batches = orderedBatches();
    for (const shard of new Set(batches.flatMap((b) => b.map((r) => r.shard)))) {
      const shardBatches = batches.filter((b) => b[0]?.shard === shard);
      const [first, ...rest] = shardBatches.map((b) => b.map((r) => r.n));
      // in order: within a shard, the put order (n ascending)
      expect(first).toEqual([...(first ?? [])].sort((a, b) => a - b));
      const lowestFlaky = (first ?? []).findIndex((n) => n === 2 || n === 6);
      if (lowestFlaky === -1) {
        expect(rest).toEqual([]);
      } else {
        // checkpointed before the lowest failure; exactly the records from it onwards come again, once
        expect(rest).toEqual([(first ?? []).slice(lowestFlaky)]);
      }
    }
  });

  it('bisects a failing batch, retries the bad record, then sends the documented on-failure record and moves on', async () => {
    const failuresUrl = fixture.provisioned.resources[ids.failures]?.ref;
    const message = await eventually('an on-failure record', async () => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: failuresUrl, WaitTimeSeconds: 1 }));
      return out.Messages?.[0];
    });
    await drained(ids.poisoned, 'StrictReader');

    expect(poisonedBatches().map((b) => b.map((r) => r.n))).toEqual([
      [51, 52, 53, 54],
      [51, 52],
      [53, 54],
      [53],
      [53],
      [54],
    ]);
    const streamArn = fixture.provisioned.resources[ids.poisoned]?.attrs.Arn;
    const functionArn = fixture.provisioned.resources[ids.strict]?.attrs.Arn;
    const record = JSON.parse(message.Body ?? '{}');
    expect(record).toEqual({
      requestContext: {
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        functionArn,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 4,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: seqOf.get(53),
        endSequenceNumber: seqOf.get(53),
        approximateArrivalOfFirstRecord: expect.stringMatching(/Z$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/Z$/),
        batchSize: 1,
        streamArn,
      },
    });
    const stats = Object.values(fixture.runtime.stats().mappings).find((m) => m.onFailureSent > 0);
    expect(stats).toMatchObject({ bisections: 2, retries: 1, discarded: 1, onFailureSent: 1 });
  });

  it('resumes from the persisted checkpoint after a restart, without redelivering what was done', async () => {
    // prepare: everything so far is processed; stop, add two records, start a new runtime on the same state
    await fixture.runtime.stop();
    expect(existsSync(join(fixture.dir, 'state', 'kinesis-checkpoints.json'))).toBe(true);
    const before = readRecords<Invocation>(fixture.recordFile).length;
    await put(fixture.provisioned, ids.ordered, 'order-0', { n: 20 });
    await put(fixture.provisioned, ids.ordered, 'order-0', { n: 21 });

    // act
    await fixture.restart();
    const after = await eventually('the new records', () => {
      const fresh = readRecords<Invocation>(fixture.recordFile).slice(before);
      return fresh.flatMap((i) => i.batch).length >= 2 ? fresh : undefined;
    });

    // assert
    expect(after.flatMap((i) => i.batch.map((r) => r.n))).toEqual([20, 21]);
  });
});
