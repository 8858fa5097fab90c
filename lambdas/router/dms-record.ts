import { z } from 'zod';
import { describeIssues } from '../shared/debezium-record.ts';
import { type OrderEventMessage, orderEventMessageSchema } from '../shared/order-event-message.ts';

/**
 * The outbox as AWS DMS writes it to Kinesis (context `cdc=dms`, cdk/lib/constructs/dms-capture.ts): one record per
 * row change, `{"data": {<column>: <value>…}, "metadata": {"record-type", "operation", "schema-name",
 * "table-name", "transaction-id", …}}`, with the columns under their SQL names. DMS has no outbox router, so this
 * module is the router's: an insert into `public.outbox` becomes the same event Debezium's EventRouter writes.
 */
export type DmsOutboxRecord =
  | { kind: 'event'; event: OrderEventMessage }
  /** Not an outbox event (a control record, an update or delete of a row): acknowledged, nothing to deliver. */
  | { kind: 'skip'; reason: string }
  | { kind: 'invalid'; reason: string; eventId?: string };

const dmsEnvelope = z.object({
  data: z.record(z.string(), z.unknown()).optional(),
  metadata: z
    .object({
      'record-type': z.string(),
      operation: z.string().optional(),
      'schema-name': z.string().optional(),
      'table-name': z.string().optional(),
    })
    .loose(),
});

/** True when `json` has DMS's shape (a `metadata` object with a `record-type`), whatever its content. */
export function isDmsRecord(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || !('metadata' in json)) return false;
  const metadata = json.metadata;
  return typeof metadata === 'object' && metadata !== null && 'record-type' in metadata;
}

/**
 * DMS writes a `timestamptz` as `YYYY-MM-DD HH:MM:SS[.ffffff]`, in UTC and without an offset; the envelope's
 * `occurredAt` is ISO 8601 with one. A value that already has an offset is kept as it is.
 */
function isoTimestamp(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  if (!m) return value;
  const offset = m[3] === undefined ? 'Z' : m[3].length === 3 ? `${m[3]}:00` : m[3];
  return `${m[1]}T${m[2]}${offset}`;
}

/** `jsonb` arrives as JSON text (a DMS LOB), or already parsed from a JSON target setting: either is read. */
function jsonColumn(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** `bigint` columns may arrive as text; the envelope's `sequence` is a number. */
const integerColumn = (value: unknown): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** Reads one DMS record of the outbox table. Never throws: what it cannot read is `invalid`, with the reason. */
export function parseDmsOutboxRecord(json: unknown): DmsOutboxRecord {
  const envelope = dmsEnvelope.safeParse(json);
  if (!envelope.success) return { kind: 'invalid', reason: `DMS record: ${describeIssues(envelope.error)}` };
  const { data, metadata } = envelope.data;
  if (metadata['record-type'] !== 'data')
    return { kind: 'skip', reason: `DMS ${metadata['record-type']} record` };
  const table = `${metadata['schema-name']}.${metadata['table-name']}`;
  if (table !== 'public.outbox')
    return { kind: 'invalid', reason: `DMS record of ${table}, not public.outbox` };
  // `load` is a full-load row, an insert all the same; the outbox is append-only, so anything else is no event.
  if (metadata.operation !== 'insert' && metadata.operation !== 'load')
    return { kind: 'skip', reason: `DMS ${String(metadata.operation)} of an outbox row` };
  const row = data ?? {};
  const eventId = typeof row.event_id === 'string' ? row.event_id : undefined;
  const event = orderEventMessageSchema.safeParse({
    eventId: row.event_id,
    eventType: row.event_type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    sequence: integerColumn(row.sequence),
    occurredAt: isoTimestamp(row.occurred_at),
    // DMS leaves NULL columns out (IncludeNullAndEmpty is off): no trace context.
    traceContext: row.trace_context ?? null,
    payload: jsonColumn(row.payload),
  });
  if (event.success) return { kind: 'event', event: event.data };
  return { kind: 'invalid', reason: describeIssues(event.error), ...(eventId ? { eventId } : {}) };
}
