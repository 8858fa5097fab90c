import { describe, expect, it } from 'vitest';
import { kinesisRecord } from '../router/fixtures/records.ts';
import { classifyStreamFailure, streamQuarantineMessage } from './stream-quarantine.ts';

const failedAt = new Date('2026-12-06T01:00:00Z');

describe('stream quarantine', () => {
  it('retries a dependency outage and quarantines everything else', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyStreamFailure(refused)).toBe('retry');
    expect(classifyStreamFailure(new Error('wrapped', { cause: refused }))).toBe('retry');
    expect(classifyStreamFailure(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(
      'retry',
    );
    expect(classifyStreamFailure(new Error('data is not JSON'))).toBe('quarantine');
    expect(classifyStreamFailure(new TypeError('undefined is not a function'))).toBe('quarantine');
  });

  it('keeps the record, its position and the reason, with the holdline.* attributes', () => {
    const record = kinesisRecord('{"eventId":', 'order-1');
    const error = Object.assign(new Error('record 1 is not an outbox event: data is not JSON'), {
      name: 'InvalidRecordError',
    });

    const message = streamQuarantineMessage('http://q', 'router', record, error, failedAt);

    expect(message.QueueUrl).toBe('http://q');
    expect(JSON.parse(message.MessageBody ?? '')).toEqual({
      kind: 'quarantined-record',
      reader: 'router',
      reason: error.message,
      errorName: 'InvalidRecordError',
      failedAt: failedAt.toISOString(),
      eventSourceARN: record.eventSourceARN,
      record: {
        partitionKey: 'order-1',
        sequenceNumber: record.kinesis.sequenceNumber,
        data: record.kinesis.data,
        approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
      },
    });
    expect(message.MessageAttributes).toMatchObject({
      'holdline.reason': { StringValue: error.message },
      'holdline.errorName': { StringValue: 'InvalidRecordError' },
      'holdline.sourceQueue': { StringValue: record.eventSourceARN },
      'holdline.failedAt': { StringValue: failedAt.toISOString() },
    });
  });

  it('keeps the position without the data when the record is too large for SQS', () => {
    const record = kinesisRecord('x'.repeat(300 * 1024), 'order-2');

    const message = streamQuarantineMessage('http://q', 'order-view', record, new Error('too big'), failedAt);

    expect(Buffer.byteLength(message.MessageBody ?? '')).toBeLessThan(256 * 1024);
    expect(JSON.parse(message.MessageBody ?? '')).toMatchObject({
      dataOmitted: 'over 256 KiB',
      record: { sequenceNumber: record.kinesis.sequenceNumber, data: '' },
    });
  });
});
