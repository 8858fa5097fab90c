import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { serializeOutboxRecord } from './envelope.ts';
import { heartbeat } from './fixtures/debezium-records.ts';
import { anOrderEvent, kinesisRecord } from './fixtures/records.ts';

// The handler reads its environment at import: set it first, then import (dynamic import below).
vi.stubEnv('QUEUE_URL_PAYMENT', 'http://sqs.local/payment.fifo');
vi.stubEnv('QUEUE_URL_INVENTORY', 'http://sqs.local/inventory.fifo');
vi.stubEnv('QUEUE_URL_NOTIFICATION', 'http://sqs.local/notification.fifo');
vi.stubEnv('FAILURE_QUEUE_URL', 'http://sqs.local/router-failures');
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
  const commands = () => send.mock.calls.map(([command]) => command);
  const batchCalls = () =>
    commands().filter((c): c is SendMessageBatchCommand => c instanceof SendMessageBatchCommand);
  /** Message group of every entry sent to `queue`, in the order sent. */
  const sentTo = (queue: string) =>
    batchCalls()
      .filter((c) => c.input.QueueUrl === queue)
      .flatMap((c) => (c.input.Entries ?? []).map((e) => e.MessageGroupId));
  const quarantined = () =>
    commands()
      .filter((c): c is SendMessageCommand => c instanceof SendMessageCommand)
      .filter((c) => c.input.QueueUrl === 'http://sqs.local/router-failures')
      .map((c) => JSON.parse(c.input.MessageBody ?? ''));
  const queues = ['payment', 'inventory', 'notification'].map((c) => `http://sqs.local/${c}.fifo`);

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
    for (const queue of queues)
      expect(sentTo(queue)).toEqual([a.kinesis.partitionKey, b.kinesis.partitionKey]);
  });

  it('makes one SendMessageBatch per queue for a batch of orders, the queues concurrently', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    send.mockImplementation(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { Successful: [], $metadata: {} };
    });
    const records = [eventRecord(), eventRecord(), eventRecord()];

    expect(await invoke(records)).toEqual({ batchItemFailures: [] });

    expect(maxInFlight).toBe(3);
    expect(batchCalls()).toHaveLength(3);
    for (const queue of queues) expect(sentTo(queue)).toEqual(records.map((r) => r.kinesis.partitionKey));
  });

  it('quarantines invalid and unroutable records with their data and reason, and logs why', async () => {
    const good = eventRecord();
    const malformed = kinesisRecord('{"eventId":', 'order-x');
    const unknown = eventRecord(anOrderEvent({ eventType: 'OrderTeleported' }));

    const response = await invoke([malformed, good, unknown]);

    // Handled, not failed: a record that can never be routed does not hold the shard for the outage budget.
    expect(response).toEqual({ batchItemFailures: [] });
    for (const queue of queues) expect(sentTo(queue)).toEqual([good.kinesis.partitionKey]);
    expect(quarantined()).toEqual([
      expect.objectContaining({
        reader: 'router',
        errorName: 'InvalidRecordError',
        record: expect.objectContaining({
          sequenceNumber: malformed.kinesis.sequenceNumber,
          data: malformed.kinesis.data,
        }),
      }),
      expect.objectContaining({
        errorName: 'UnroutableEventError',
        reason: expect.stringContaining('OrderTeleported'),
        record: expect.objectContaining({ partitionKey: unknown.kinesis.partitionKey }),
      }),
    ]);
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

  it('after a send failed by an outage, holds back the same order’s later events but not other orders’', async () => {
    const first = anOrderEvent();
    const a1 = eventRecord(first);
    const b1 = eventRecord();
    const a2 = eventRecord(anOrderEvent({ aggregateId: first.aggregateId, sequence: 2 }));
    // SQS takes the batch but fails a1's entry on its side (not the sender's fault): an outage, retried.
    send.mockImplementation(async (command: SendMessageBatchCommand) => {
      const entries = command.input.Entries ?? [];
      const Failed = entries
        .filter((e) => e.MessageDeduplicationId === first.eventId)
        .map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false }));
      return { Successful: [], Failed, $metadata: {} };
    });

    const response = await invoke([a1, b1, a2]);

    expect(response).toEqual(failed(a1, a2));
    // a2 never reached SQS: the retry (from a1, the lowest failure) sends a1 before it.
    for (const queue of queues) expect(sentTo(queue)).toEqual([first.aggregateId, b1.kinesis.partitionKey]);
    expect(quarantined()).toEqual([]);
  });

  it('fails a record whose quarantine cannot be sent, so it is retried rather than lost', async () => {
    const malformed = kinesisRecord('nope', 'order-x');
    const good = eventRecord();
    send.mockImplementation(async (command: SendMessageCommand | SendMessageBatchCommand) => {
      if (command.input.QueueUrl === 'http://sqs.local/router-failures')
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return { Successful: [], $metadata: {} };
    });

    // Under the 10 s the router keeps back: the refused send is not waited out inside this invocation.
    const shortOfTime = { ...context, getRemainingTimeInMillis: () => 5_000 };
    const response = await handler({ Records: [malformed, good] } satisfies KinesisStreamEvent, shortOfTime);

    expect(response).toEqual(failed(malformed));
    for (const queue of queues) expect(sentTo(queue)).toEqual([good.kinesis.partitionKey]);
  });

  it('fails the invocation when every record meets an outage, so the mapping bisects', async () => {
    send.mockRejectedValue(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    const shortOfTime = { ...context, getRemainingTimeInMillis: () => 5_000 };

    await expect(
      handler({ Records: [eventRecord()] } satisfies KinesisStreamEvent, shortOfTime),
    ).rejects.toThrow(/All records failed/);
  });
});
