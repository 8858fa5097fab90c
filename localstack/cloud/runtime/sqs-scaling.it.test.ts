import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClientConfig } from '../../test/fixtures/aws.ts';
import { type Fixture, logicalIdOf, startFixture } from '../../test/fixtures/harness.ts';
import { sqsScalingFixture } from '../../test/fixtures/runtime-stacks.ts';
import { eventually, readRecords } from '../../test/fixtures/wait.ts';

interface Batch {
  fn: string;
  started: number;
  ended: number;
  messages: { group: string; body: string }[];
}

const groups = 40;
const perGroup = 5;

/** The most batches of one function that were running at the same moment. */
function peakOverlap(batches: Batch[]): number {
  const edges = batches.flatMap((b) => [
    { at: b.started, step: 1 },
    { at: b.ended, step: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let running = 0;
  let peak = 0;
  for (const edge of edges) {
    running += edge.step;
    peak = Math.max(peak, running);
  }
  return peak;
}

describe('SQS event source scaling with the backlog', () => {
  const sqs = new SQSClient(testClientConfig());
  let fixture: Fixture;
  const template = sqsScalingFixture();

  beforeAll(async () => {
    // Scaling is opt-in locally (runtimeDefaults says why); a machine with cores to spare turns it on like this.
    fixture = await startFixture(template, 'SqsScaling', { sqsMaxPollers: 8, defaultConcurrency: 8 });
  });

  afterAll(async () => {
    await fixture?.close();
    sqs.destroy();
  });

  async function fill(queueId: string): Promise<void> {
    const url = fixture.provisioned.resources[logicalIdOf(template, 'AWS::SQS::Queue', queueId)]?.ref ?? '';
    // Each group's messages in order, the groups interleaved: 40 groups × 5 = 200 messages.
    const entries = Array.from({ length: perGroup }, (_, n) =>
      Array.from({ length: groups }, (_, g) => ({
        Id: `g${g}n${n}`,
        MessageBody: String(n),
        MessageGroupId: `g${g}`,
        MessageDeduplicationId: `${queueId}-g${g}-n${n}`,
      })),
    ).flat();
    for (let i = 0; i < entries.length; i += 10)
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries.slice(i, i + 10) }));
  }

  async function consumed(fnId: string): Promise<Batch[]> {
    const name = fixture.provisioned.resources[logicalIdOf(template, 'AWS::Lambda::Function', fnId)]?.ref;
    return eventually(
      `${fnId} consumed all ${groups * perGroup} messages`,
      async () => {
        const mine = readRecords<Batch>(fixture.recordFile).filter((b) => b.fn === name);
        return mine.flatMap((b) => b.messages).length >= groups * perGroup ? mine : undefined;
      },
      60_000,
    );
  }

  it('adds receive loops while receives come back full, beyond the two that always run, and keeps group order', async () => {
    // act
    await fill('Backlog');
    const batches = await consumed('BacklogConsumer');

    // assert: more than the lasting two batches overlapped, within the cap of 8
    const overlap = peakOverlap(batches);
    expect(overlap).toBeGreaterThan(2);
    expect(overlap).toBeLessThanOrEqual(8);
    const stats = Object.values(fixture.runtime.stats().mappings);
    expect(Math.max(...stats.map((m) => m.peakPollers))).toBeGreaterThan(2);
    // each group's messages arrived in the order they were sent, once each
    const byGroup = new Map<string, string[]>();
    for (const b of [...batches].sort((x, y) => x.started - y.started))
      for (const m of b.messages) byGroup.set(m.group, [...(byGroup.get(m.group) ?? []), m.body]);
    expect(byGroup.size).toBe(groups);
    for (const bodies of byGroup.values()) expect(bodies).toEqual(['0', '1', '2', '3', '4']);
  });

  it('never runs more batches at once than ScalingConfig.MaximumConcurrency', async () => {
    // act
    await fill('Capped');
    const batches = await consumed('CappedConsumer');

    // assert
    expect(peakOverlap(batches)).toBeLessThanOrEqual(2);
  });
});
