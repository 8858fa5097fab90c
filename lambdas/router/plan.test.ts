import { describe, expect, it } from 'vitest';
import { serializeOutboxRecord } from './envelope.ts';
import { InvalidRecordError, UnroutableEventError } from './errors.ts';
import { heartbeat, orderPlaced } from './fixtures/debezium-records.ts';
import { anOrderEvent, kinesisRecord } from './fixtures/records.ts';
import { planRecord } from './plan.ts';

describe('planRecord', () => {
  it('delivers an outbox event to its consumers, decoding the base64 data', () => {
    const plan = planRecord(kinesisRecord(orderPlaced.data, orderPlaced.partitionKey));

    expect(plan).toMatchObject({
      kind: 'deliver',
      event: { eventId: '01a20ddb-c6d4-709f-ba46-e37636ccc347' },
      targets: ['payment', 'inventory', 'notification'],
      entry: { MessageGroupId: orderPlaced.partitionKey },
    });
  });

  it('skips a heartbeat', () => {
    expect(planRecord(kinesisRecord(heartbeat.data, heartbeat.partitionKey))).toEqual({ kind: 'heartbeat' });
  });

  it('fails an unreadable record with its sequence number and the reason', () => {
    const record = kinesisRecord('not json', 'order-1');

    expect(() => planRecord(record)).toThrow(InvalidRecordError);
    expect(() => planRecord(record)).toThrow(
      expect.objectContaining({ sequenceNumber: record.kinesis.sequenceNumber, reason: 'data is not JSON' }),
    );
  });

  it('fails an event of an unknown type', () => {
    const event = anOrderEvent({ eventType: 'OrderTeleported' });

    expect(() => planRecord(kinesisRecord(serializeOutboxRecord(event), event.aggregateId))).toThrow(
      UnroutableEventError,
    );
  });
});
