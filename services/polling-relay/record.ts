import { serializeOutboxRecord } from '../../lambdas/router/envelope.ts';
import type { OrderedRecord } from './waves.ts';

/** An outbox row as the claim query returns it (pg parses jsonb and timestamptz). */
export interface OutboxRow {
  event_id: string;
  aggregate_type: string;
  aggregate_id: string;
  sequence: string | number;
  event_type: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
  trace_context: string | null;
}

/**
 * The Kinesis record for a row: byte-for-byte the envelope Debezium's outbox router writes (same serializer as
 * the router's tests), so the router Lambda cannot tell the two relays apart.
 */
export function toRecord(row: OutboxRow): OrderedRecord {
  return {
    eventId: row.event_id,
    aggregateId: row.aggregate_id,
    data: serializeOutboxRecord({
      eventId: row.event_id,
      eventType: row.event_type,
      aggregateType: row.aggregate_type,
      aggregateId: row.aggregate_id,
      sequence: Number(row.sequence),
      occurredAt: row.occurred_at.toISOString(),
      traceContext: row.trace_context,
      payload: row.payload,
    }),
  };
}
