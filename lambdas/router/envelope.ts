import { z } from 'zod';
import { describeIssues, readDebeziumRecord } from '../shared/debezium-record.ts';
import { type OrderEventMessage, orderEventMessageSchema } from '../shared/order-event-message.ts';
import { isDmsRecord, parseDmsOutboxRecord } from './dms-record.ts';

/**
 * The data of one `OrderEvents` Kinesis record, as Debezium Server's outbox EventRouter writes it with
 * `cdk/lib/debezium-config.ts`: the envelope fields in camelCase and `payload` as JSON text (the outbox column
 * is jsonb and the router config does not expand it). With `cdc=dms`, DMS's own row shape (`dms-record.ts`).
 */
export type OutboxRecord =
  | { kind: 'event'; event: OrderEventMessage }
  /** A Debezium heartbeat (`{"ts_ms":…}`): routed into the stream so the slot advances; nothing to deliver. */
  | { kind: 'heartbeat' }
  /** A DMS record that is no event (a control record, an update or delete of an outbox row): nothing to deliver. */
  | { kind: 'skip'; reason: string }
  /** `eventId` when the data has a readable one, so the log line can name the event. */
  | { kind: 'invalid'; reason: string; eventId?: string };

const jsonText = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    ctx.issues.push({ code: 'custom', message: 'is not JSON text', input: text });
    return z.NEVER;
  }
});

const outboxRecordSchema = orderEventMessageSchema.extend({
  payload: jsonText.pipe(orderEventMessageSchema.shape.payload),
});

/** Classifies a record's data. Never throws: what it cannot read is `invalid`, with the reason. */
export function parseOutboxRecord(data: string): OutboxRecord {
  const raw = readDebeziumRecord(data);
  if (raw.kind !== 'json') return raw;
  const json = raw.json;
  if (isDmsRecord(json)) return parseDmsOutboxRecord(json);
  const result = outboxRecordSchema.safeParse(json);
  if (result.success) return { kind: 'event', event: result.data };
  const eventId = readableEventId(json);
  return {
    kind: 'invalid',
    reason: describeIssues(result.error),
    ...(eventId === undefined ? {} : { eventId }),
  };
}

/**
 * The record data Debezium writes for `event`: payload back to text, keys in Debezium's order (payload first,
 * then the envelope fields in placement order). For tests and tools that replay events into the stream.
 */
export function serializeOutboxRecord(event: OrderEventMessage): string {
  const { payload, eventId, aggregateType, aggregateId, sequence, eventType, occurredAt, traceContext } =
    event;
  return JSON.stringify({
    payload: JSON.stringify(payload),
    eventId,
    aggregateType,
    aggregateId,
    sequence,
    eventType,
    occurredAt,
    traceContext,
  });
}

function readableEventId(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('eventId' in json)) return undefined;
  return typeof json.eventId === 'string' ? json.eventId : undefined;
}
