import type { KinesisStreamRecord } from 'aws-lambda';
import type { OrderEventMessage } from '../shared/order-event-message.ts';
import { parseOutboxRecord } from './envelope.ts';
import { InvalidRecordError } from './errors.ts';
import { type Consumer, consumersFor, type SqsEntry, toSqsEntry } from './routing.ts';

/** What the router does with one Kinesis record. */
export type RecordPlan =
  /** Acknowledge and send nothing. */
  | { kind: 'heartbeat' }
  /** Send `entry` to each target's queue. */
  | { kind: 'deliver'; event: OrderEventMessage; targets: readonly Consumer[]; entry: SqsEntry };

/**
 * Decides, without I/O, what to do with a record. Throws InvalidRecordError (data that is neither an outbox
 * event nor a heartbeat) or UnroutableEventError (no route for the event type): both fail the record, so it ends
 * up in the on-failure queue after the mapping's retries instead of being dropped unseen.
 */
export function planRecord(record: KinesisStreamRecord): RecordPlan {
  const { sequenceNumber, data } = record.kinesis;
  // Lambda hands Kinesis data over base64-encoded; Debezium wrote UTF-8 JSON.
  const parsed = parseOutboxRecord(Buffer.from(data, 'base64').toString('utf8'));
  if (parsed.kind === 'heartbeat') return parsed;
  // A DMS record with nothing to deliver is acknowledged like a heartbeat: the shard moves on.
  if (parsed.kind === 'skip') return { kind: 'heartbeat' };
  if (parsed.kind === 'invalid') throw new InvalidRecordError(sequenceNumber, parsed.reason, parsed.eventId);
  const { event } = parsed;
  return { kind: 'deliver', event, targets: consumersFor(event), entry: toSqsEntry(event) };
}
