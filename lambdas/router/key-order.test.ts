import type { KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { HeldBehindFailureError } from './errors.ts';
import { kinesisRecord } from './fixtures/records.ts';
import { holdBehindFailures } from './key-order.ts';

/** Runs `records` one at a time like BatchProcessor with processInParallel: false; returns each outcome. */
async function runInOrder(records: KinesisStreamRecord[], failing: Set<KinesisStreamRecord>) {
  const handled: KinesisStreamRecord[] = [];
  const handle = holdBehindFailures(async (record) => {
    handled.push(record);
    if (failing.has(record)) throw new Error('send failed');
  });
  const outcomes: string[] = [];
  for (const record of records) {
    outcomes.push(
      await handle(record).then(
        () => 'ok',
        (error: Error) => error.name,
      ),
    );
  }
  return { handled, outcomes };
}

describe('holdBehindFailures', () => {
  it('holds back later records of a failed order without handling them', async () => {
    const a1 = kinesisRecord('{}', 'order-a');
    const a2 = kinesisRecord('{}', 'order-a');
    const a3 = kinesisRecord('{}', 'order-a');

    const { handled, outcomes } = await runInOrder([a1, a2, a3], new Set([a1]));

    expect(outcomes).toEqual(['Error', 'HeldBehindFailureError', 'HeldBehindFailureError']);
    expect(handled).toEqual([a1]);
  });

  it('lets records of other orders through', async () => {
    const a1 = kinesisRecord('{}', 'order-a');
    const b1 = kinesisRecord('{}', 'order-b');
    const a2 = kinesisRecord('{}', 'order-a');
    const b2 = kinesisRecord('{}', 'order-b');

    const { outcomes } = await runInOrder([a1, b1, a2, b2], new Set([a1]));

    expect(outcomes).toEqual(['Error', 'ok', 'HeldBehindFailureError', 'ok']);
  });

  it('holds nothing back when nothing failed', async () => {
    const records = [kinesisRecord('{}', 'order-a'), kinesisRecord('{}', 'order-a')];

    const { outcomes } = await runInOrder(records, new Set());

    expect(outcomes).toEqual(['ok', 'ok']);
  });

  it('names the held record and its key', async () => {
    const [a1, a2] = [kinesisRecord('{}', 'order-a'), kinesisRecord('{}', 'order-a')];
    const handle = holdBehindFailures(async () => {
      throw new Error('boom');
    });
    await handle(a1).catch(() => {});

    await expect(handle(a2)).rejects.toThrow(
      expect.objectContaining({ sequenceNumber: a2.kinesis.sequenceNumber, partitionKey: 'order-a' }),
    );
    await expect(handle(a2)).rejects.toBeInstanceOf(HeldBehindFailureError);
  });
});
