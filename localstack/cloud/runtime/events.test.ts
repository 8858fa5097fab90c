import { describe, expect, it } from 'vitest';
import { toKinesisEvent } from './kinesis-event.ts';
import { kinesisFailureRecord } from './on-failure.ts';
import { toSqsEvent } from './sqs-event.ts';

describe('toSqsEvent', () => {
  it('builds the record shape Lambda delivers, attributes and message attributes included', () => {
    const event = toSqsEvent(
      [
        {
          MessageId: 'id-1',
          ReceiptHandle: 'rh-1',
          Body: '{"orderId":"o1"}',
          MD5OfBody: 'md5',
          Attributes: { ApproximateReceiveCount: '2', MessageGroupId: 'o1', SequenceNumber: '18' },
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'OrderPlaced' },
            raw: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
          },
        },
      ],
      { queueArn: 'arn:aws:sqs:us-east-1:1:orders.fifo', region: 'us-east-1' },
    );
    expect(event.Records[0]).toEqual({
      messageId: 'id-1',
      receiptHandle: 'rh-1',
      body: '{"orderId":"o1"}',
      attributes: { ApproximateReceiveCount: '2', MessageGroupId: 'o1', SequenceNumber: '18' },
      messageAttributes: {
        kind: { stringValue: 'OrderPlaced', stringListValues: [], binaryListValues: [], dataType: 'String' },
        raw: { binaryValue: 'aGk=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:1:orders.fifo',
      awsRegion: 'us-east-1',
    });
  });
});

const record = (seq: string, at: string) => ({
  SequenceNumber: seq,
  PartitionKey: 'order-1',
  Data: Buffer.from(`{"seq":${seq}}`),
  ApproximateArrivalTimestamp: new Date(at),
});

describe('toKinesisEvent', () => {
  it('builds the record shape Lambda delivers, data base64 and arrival in seconds', () => {
    const event = toKinesisEvent([record('7', '2026-01-01T00:00:01.500Z')], {
      shardId: 'shardId-000000000001',
      streamArn: 'arn:aws:kinesis:us-east-1:1:stream/changes',
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::1:role/router',
    });
    expect(event.Records[0]).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'order-1',
        sequenceNumber: '7',
        data: Buffer.from('{"seq":7}').toString('base64'),
        approximateArrivalTimestamp: 1767225601.5,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000001:7',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::1:role/router',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:1:stream/changes',
    });
  });
});

describe('kinesisFailureRecord', () => {
  it('carries the documented metadata: shard, sequence range, arrival range, batch size', () => {
    const out = kinesisFailureRecord({
      records: [record('5', '2026-01-01T00:00:00Z'), record('6', '2026-01-01T00:00:02Z')],
      condition: 'RetryAttemptsExhausted',
      shardId: 'shardId-000000000000',
      streamArn: 'arn:aws:kinesis:us-east-1:1:stream/changes',
      functionArn: 'arn:aws:lambda:us-east-1:0:function:router',
      requestId: 'req-1',
      invokes: 3,
      functionError: 'Unhandled',
      now: new Date('2026-01-01T00:01:00Z'),
    });
    expect(out).toEqual({
      requestContext: {
        requestId: 'req-1',
        functionArn: 'arn:aws:lambda:us-east-1:0:function:router',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-01-01T00:01:00.000Z',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: '5',
        endSequenceNumber: '6',
        approximateArrivalOfFirstRecord: '2026-01-01T00:00:00.000Z',
        approximateArrivalOfLastRecord: '2026-01-01T00:00:02.000Z',
        batchSize: 2,
        streamArn: 'arn:aws:kinesis:us-east-1:1:stream/changes',
      },
    });
  });
});
