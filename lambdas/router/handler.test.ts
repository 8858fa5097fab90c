import { type SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { serializeOutboxRecord } from './envelope.ts';
import { heartbeat } from './fixtures/debezium-records.ts';
import { anOrderEvent, kinesisRecord } from './fixtures/records.ts';

// The handler reads its environment at import: set it first, then import (dynamic import below).
vi.stubEnv('QUEUE_URL_PAYMENT', 'http://sqs.local/payment.fifo');
vi.stubEnv('QUEUE_URL_INVENTORY', 'http://sqs.local/inventory.fifo');
vi.stubEnv('QUEUE_URL_NOTIFICATION', 'http://sqs.local/notification.fifo');
vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'router');
// Dev mode: Powertools logs through the global console (so the test can read it) and metrics stay quiet.
vi.stubEnv('POWERTOOLS_DEV', 'true');
const { handler } = await import('./handler.ts');

const context = {
  functionName: 'router',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:router',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

const eventRecord = (event = anOrderEvent()) =>
  kinesisRecord(serializeOutboxRecord(event), event.aggregateId);
const invoke = (records: KinesisStreamRecord[]) =>
  handler({ Records: records } satisfies KinesisStreamEvent, context);
const failed = (...records: KinesisStreamRecord[]) => ({
  batchItemFailures: records.map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })),
});

describe('router handler (SQS stubbed)', () => {
  let send: MockInstance;
  let errorLog: MockInstance;
  /** Message group of every send, in the order the sends started. */
  const sentGroups = () =>
    send.mock.calls.map(([command]) => (command as SendMessageCommand).input.MessageGroupId);

  beforeAll(() => {
    send = vi.spyOn(SQSClient.prototype, 'send');
    errorLog = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'info').mockImplementation(() => {});
  });
  beforeEach(() => {
    send.mockReset().mockResolvedValue({ MessageId: 'm', $metadata: {} });
    errorLog.mockClear();
  });
  afterAll(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('sends each event to the three queues and acknowledges heartbeats without sending', async () => {
    const [a, b] = [eventRecord(), eventRecord()];
    const beat = kinesisRecord(heartbeat.data, heartbeat.partitionKey);

    const response = await invoke([a, beat, b]);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sentGroups()).toEqual([
      ...Array(3).fill(a.kinesis.partitionKey),
      ...Array(3).fill(b.kinesis.partitionKey),
    ]);
  });

  it('handles records one at a time, in shard order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    send.mockImplementation(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { $metadata: {} };
    });
    const records = [eventRecord(), eventRecord(), eventRecord()];

    await invoke(records);

    // Three queues at once for one record, never two records at once.
    expect(maxInFlight).toBe(3);
    expect(sentGroups()).toEqual(records.flatMap((r) => Array(3).fill(r.kinesis.partitionKey)));
  });

  it('reports invalid and unroutable records as item failures and logs why, with the sequence number', async () => {
    const good = eventRecord();
    const malformed = kinesisRecord('{"eventId":', 'order-x');
    const unknown = eventRecord(anOrderEvent({ eventType: 'OrderTeleported' }));

    const response = await invoke([malformed, good, unknown]);

    expect(response).toEqual(failed(malformed, unknown));
    expect(sentGroups()).toEqual(Array(3).fill(good.kinesis.partitionKey));
    const logged = errorLog.mock.calls.map(([line]) => JSON.parse(String(line)));
    expect(logged).toEqual([
      expect.objectContaining({
        sequenceNumber: malformed.kinesis.sequenceNumber,
        error: expect.objectContaining({ name: 'InvalidRecordError', reason: 'data is not JSON' }),
      }),
      expect.objectContaining({
        sequenceNumber: unknown.kinesis.sequenceNumber,
        error: expect.objectContaining({ name: 'UnroutableEventError', eventType: 'OrderTeleported' }),
      }),
    ]);
  });

  it('after a failed send, holds back the same order’s later events but not other orders’', async () => {
    const first = anOrderEvent();
    const a1 = eventRecord(first);
    const b1 = eventRecord();
    const a2 = eventRecord(anOrderEvent({ aggregateId: first.aggregateId, sequence: 2 }));
    send.mockImplementation(async (command: SendMessageCommand) => {
      if (command.input.MessageDeduplicationId === first.eventId) throw new Error('ThrottlingException');
      return { $metadata: {} };
    });

    const response = await invoke([a1, b1, a2]);

    expect(response).toEqual(failed(a1, a2));
    // a2 never reached SQS: the retry (from a1, the lowest failure) sends a1 before it.
    expect(sentGroups()).toEqual([
      ...Array(3).fill(first.aggregateId),
      ...Array(3).fill(b1.kinesis.partitionKey),
    ]);
  });

  it('fails the invocation when every record fails, so the mapping bisects', async () => {
    await expect(invoke([kinesisRecord('nope', 'order-x')])).rejects.toThrow(/All records failed/);
  });
});
