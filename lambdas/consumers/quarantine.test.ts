import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { quarantineMessage } from './quarantine.ts';

const base: SQSRecord = {
  messageId: 'm-1',
  receiptHandle: 'rh',
  body: '{"x":1}',
  attributes: {
    ApproximateReceiveCount: '5',
    SentTimestamp: '0',
    SenderId: 's',
    ApproximateFirstReceiveTimestamp: '0',
    MessageGroupId: 'order-1',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:payment.fifo',
  awsRegion: 'us-east-1',
};
const info = { reason: 'r', errorName: 'E', receiveCount: 5, failedAt: new Date('2026-11-24T12:00:00Z') };

describe('quarantineMessage', () => {
  it('keeps body and group, and dedups on the source message id', () => {
    expect(quarantineMessage('dlq', base, info)).toMatchObject({
      QueueUrl: 'dlq',
      MessageBody: '{"x":1}',
      MessageGroupId: 'order-1',
      MessageDeduplicationId: 'quarantine-m-1',
      MessageAttributes: {
        'holdline.reason': { DataType: 'String', StringValue: 'r' },
        'holdline.errorName': { DataType: 'String', StringValue: 'E' },
        'holdline.sourceQueue': { DataType: 'String', StringValue: base.eventSourceARN },
        'holdline.receiveCount': { DataType: 'Number', StringValue: '5' },
        'holdline.failedAt': { DataType: 'String', StringValue: '2026-11-24T12:00:00.000Z' },
      },
    });
  });

  it('stays within SQS’s 10 attributes and replaces stale holdline.* ones from an earlier quarantine', () => {
    const many = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [`a${i}`, { dataType: 'String', stringValue: String(i) }]),
    );
    const record = {
      ...base,
      messageAttributes: {
        'holdline.reason': { dataType: 'String', stringValue: 'old' },
        bin: { dataType: 'Binary', binaryValue: Buffer.from('hi').toString('base64') },
        ...many,
      },
    } as unknown as SQSRecord;
    const attributes = quarantineMessage('dlq', record, info).MessageAttributes!;
    expect(Object.keys(attributes)).toHaveLength(10);
    expect(attributes['holdline.reason']?.StringValue).toBe('r');
    expect(Buffer.from(attributes.bin!.BinaryValue!).toString()).toBe('hi');
  });
});
