import { type SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, type PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { kinesisRecord } from '../router/fixtures/records.ts';
import { heartbeat, insert, remove, update } from './fixtures/debezium-changes.ts';

// The handler reads its environment at import: set it first, then import.
vi.stubEnv('ORDER_VIEW_TABLE', 'OrderView');
vi.stubEnv('FAILURE_QUEUE_URL', 'http://sqs.local/order-view-failures');
vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'order-view');
vi.stubEnv('POWERTOOLS_DEV', 'true');
const { handler } = await import('./handler.ts');

const context = {
  functionName: 'order-view',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order-view',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

const record = (r: { data: string; partitionKey: string }) => kinesisRecord(r.data, r.partitionKey);
const invoke = (records: KinesisStreamRecord[]) =>
  handler({ Records: records } satisfies KinesisStreamEvent, context);

describe('order-view handler (DynamoDB stubbed)', () => {
  let send: MockInstance;
  let sqsSend: MockInstance;
  const writtenKeys = () =>
    send.mock.calls.map(([command]) => {
      const { Item } = (command as PutCommand).input;
      return `${Item?.pk}|${Item?.sk}`;
    });

  beforeAll(() => {
    send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    sqsSend = vi.spyOn(SQSClient.prototype, 'send');
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'info').mockImplementation(() => {});
  });
  beforeEach(() => {
    send.mockReset().mockResolvedValue({ $metadata: {} });
    sqsSend.mockReset().mockResolvedValue({ MessageId: 'm', $metadata: {} });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('applies changes in shard order and skips heartbeats', async () => {
    const response = await invoke([record(insert), record(heartbeat), record(update), record(remove)]);

    expect(response).toEqual({ batchItemFailures: [] });
    const pk = `ORDER#${insert.partitionKey}`;
    expect(writtenKeys()).toEqual([
      `${pk}|CURRENT`,
      `${pk}|CURRENT`,
      `${pk}|DELETED#00000000000026502392`,
      `${pk}|CURRENT`,
    ]);
  });

  it('waits out a throttled write inside the invocation instead of failing the record', async () => {
    send
      .mockResolvedValueOnce({ $metadata: {} })
      .mockRejectedValueOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    expect(await invoke([record(insert), record(update)])).toEqual({ batchItemFailures: [] });
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('quarantines an unreadable record with its reason and data; the shard moves on', async () => {
    const garbage = kinesisRecord('{"op":"c"}', 'x');

    expect(await invoke([garbage, record(insert)])).toEqual({ batchItemFailures: [] });

    expect(sqsSend).toHaveBeenCalledTimes(1);
    const { input } = sqsSend.mock.calls[0]![0] as SendMessageCommand;
    expect(input.QueueUrl).toBe('http://sqs.local/order-view-failures');
    expect(JSON.parse(input.MessageBody!)).toMatchObject({
      kind: 'quarantined-record',
      reader: 'order-view',
      errorName: 'InvalidChangeError',
      record: { sequenceNumber: garbage.kinesis.sequenceNumber, data: garbage.kinesis.data },
    });
    expect(writtenKeys()).toHaveLength(1);
  });

  it('fails an unreadable record when its quarantine cannot be sent: retried, never dropped', async () => {
    const garbage = kinesisRecord('{"op":"c"}', 'x');
    sqsSend.mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));

    const response = await handler(
      { Records: [garbage, record(insert)] },
      { ...context, getRemainingTimeInMillis: () => 4_000 },
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: garbage.kinesis.sequenceNumber }] });
  });

  it('reports a write still failing at the end of the invocation as a failure, for the mapping to retry', async () => {
    const good = record(insert);
    const throttled = record(update);
    send
      .mockResolvedValueOnce({ $metadata: {} })
      .mockRejectedValueOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    // 4 s left: less than the 5 s the handler keeps back, so the throttled write is not waited out.
    const response = await handler(
      { Records: [good, throttled] },
      { ...context, getRemainingTimeInMillis: () => 4_000 },
    );

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: throttled.kinesis.sequenceNumber }],
    });
  });
});
