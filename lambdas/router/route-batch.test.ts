import type {
  BatchResultErrorEntry,
  SendMessageBatchCommand,
  SendMessageBatchCommandOutput,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { serializeOutboxRecord } from './envelope.ts';
import { HeldBehindFailureError, SendFailedError } from './errors.ts';
import { heartbeat } from './fixtures/debezium-records.ts';
import { anOrderEvent, kinesisRecord } from './fixtures/records.ts';
import { type RecordOutcome, routeBatch } from './route-batch.ts';

const queueUrls = { payment: 'q/payment', inventory: 'q/inventory', notification: 'q/notification' };
const placed = (aggregateId?: string, sequence = 1) => {
  const event = anOrderEvent({ ...(aggregateId ? { aggregateId } : {}), sequence });
  return { event, record: kinesisRecord(serializeOutboxRecord(event), event.aggregateId) };
};

/** A fake SQS: records every call (queue → entries' event ids), and fails entries or calls as told. */
function fakeSqs(refuse: (queue: string, eventId: string) => 'entry' | 'call' | undefined = () => undefined) {
  const calls: Array<{ queue: string; ids: string[] }> = [];
  const send = async (command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> => {
    const queue = String(command.input.QueueUrl);
    const entries = command.input.Entries ?? [];
    if (entries.some((e) => refuse(queue, String(e.MessageDeduplicationId)) === 'call'))
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    calls.push({ queue, ids: entries.map((e) => String(e.MessageDeduplicationId)) });
    const Failed: BatchResultErrorEntry[] = entries
      .filter((e) => refuse(queue, String(e.MessageDeduplicationId)) === 'entry')
      .map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false, Message: 'try again' }));
    return { Successful: [], Failed, $metadata: {} };
  };
  return { calls, send };
}

const kinds = (outcomes: Map<string, RecordOutcome>) => [...outcomes.values()].map((o) => o.kind);

describe('routeBatch', () => {
  it('sends each queue its records ten at a time, in shard order', async () => {
    const orders = Array.from({ length: 25 }, () => placed());
    const sqs = fakeSqs();

    const outcomes = await routeBatch(
      orders.map((o) => o.record),
      queueUrls,
      sqs.send,
    );

    expect(kinds(outcomes)).toEqual(Array(25).fill('routed'));
    for (const queue of Object.values(queueUrls)) {
      const mine = sqs.calls.filter((c) => c.queue === queue);
      expect(mine.map((c) => c.ids.length)).toEqual([10, 10, 5]);
      expect(mine.flatMap((c) => c.ids)).toEqual(orders.map((o) => o.event.eventId));
    }
  });

  it('never puts two events of one order in one call: the second goes in the next, after it', async () => {
    const a1 = placed();
    const b1 = placed();
    const a2 = placed(a1.event.aggregateId, 2);
    const sqs = fakeSqs();

    await routeBatch([a1.record, b1.record, a2.record], queueUrls, sqs.send);

    const payment = sqs.calls.filter((c) => c.queue === 'q/payment').map((c) => c.ids);
    expect(payment).toEqual([[a1.event.eventId, b1.event.eventId], [a2.event.eventId]]);
  });

  it('fails a refused entry and holds its order’s later events on that queue; other orders carry on', async () => {
    const a1 = placed();
    const b1 = placed();
    const a2 = placed(a1.event.aggregateId, 2);
    const b2 = placed(b1.event.aggregateId, 2);
    const sqs = fakeSqs((queue, id) =>
      queue === 'q/inventory' && id === a1.event.eventId ? 'entry' : undefined,
    );

    const outcomes = await routeBatch([a1.record, b1.record, a2.record, b2.record], queueUrls, sqs.send);

    expect(outcomes.get(a1.record.kinesis.sequenceNumber)).toMatchObject({ kind: 'failed' });
    const a1Error = (outcomes.get(a1.record.kinesis.sequenceNumber) as { error: SendFailedError }).error;
    expect(a1Error).toBeInstanceOf(SendFailedError);
    expect(a1Error.consumers).toEqual(['inventory']);
    const a2Outcome = outcomes.get(a2.record.kinesis.sequenceNumber) as { kind: string; error: unknown };
    expect(a2Outcome.kind).toBe('failed');
    expect(a2Outcome.error).toBeInstanceOf(HeldBehindFailureError);
    expect(outcomes.get(b2.record.kinesis.sequenceNumber)).toEqual({ kind: 'routed', consumers: 3 });
    // a2 never reached the inventory queue, where a1 is missing; b2 did.
    const inventory = sqs.calls.filter((c) => c.queue === 'q/inventory').flatMap((c) => c.ids);
    expect(inventory).not.toContain(a2.event.eventId);
    expect(inventory).toContain(b2.event.eventId);
  });

  it('fails every record of a call that failed whole, with the cause', async () => {
    const [a, b] = [placed(), placed()];
    const sqs = fakeSqs((queue) => (queue === 'q/payment' ? 'call' : undefined));

    const outcomes = await routeBatch([a.record, b.record], queueUrls, sqs.send);

    for (const o of [a, b]) {
      const outcome = outcomes.get(o.record.kinesis.sequenceNumber) as { kind: string; error: Error };
      expect(outcome.kind).toBe('failed');
      expect((outcome.error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    }
  });

  it('sends nothing for heartbeats and records that cannot be routed, and says which is which', async () => {
    const beat = kinesisRecord(heartbeat.data, heartbeat.partitionKey);
    const garbage = kinesisRecord('{"eventId":', 'order-x');
    const teleported = anOrderEvent({ eventType: 'OrderTeleported' });
    const unknown = kinesisRecord(serializeOutboxRecord(teleported), teleported.aggregateId);
    const sqs = fakeSqs();

    const outcomes = await routeBatch([beat, garbage, unknown], queueUrls, sqs.send);

    expect(kinds(outcomes)).toEqual(['heartbeat', 'unroutable', 'unroutable']);
    expect(sqs.calls).toEqual([]);
  });

  it('keeps a call under 256 KiB', async () => {
    const big = Array.from({ length: 4 }, () => {
      const event = anOrderEvent();
      event.payload = { ...event.payload, note: 'x'.repeat(100 * 1024) };
      return { event, record: kinesisRecord(serializeOutboxRecord(event), event.aggregateId) };
    });
    const sqs = fakeSqs();

    await routeBatch(
      big.map((b) => b.record),
      queueUrls,
      sqs.send,
    );

    expect(sqs.calls.filter((c) => c.queue === 'q/payment').map((c) => c.ids.length)).toEqual([2, 2]);
  });
});
