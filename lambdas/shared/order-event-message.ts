import { z } from 'zod';

/**
 * SQS FIFO `MessageGroupId`: 1–128 characters, letters, digits and punctuation (printable ASCII, no space).
 * The aggregate id becomes the group id, so an id SQS would refuse is refused here, with a reason, instead.
 */
const messageGroupId = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters (an SQS FIFO group id)');

/**
 * The body of every message the router sends to a consumer queue: the outbox envelope with `payload` as an
 * object. One shape for every consumer; the router builds it, the consumers parse it with this schema.
 *
 * Unknown keys are dropped rather than rejected (tolerant reader): a field the router adds later must not
 * make an older consumer fail its messages into the DLQ.
 */
export const orderEventMessageSchema = z.object({
  /** The outbox row's UUIDv7: SQS FIFO deduplication id and the consumers' idempotency key. */
  eventId: z.uuid(),
  /** e.g. `OrderPlaced`. */
  eventType: z.string().min(1),
  /** e.g. `order`. */
  aggregateType: z.string().min(1),
  /** The order id: SQS FIFO group id, so one order's events are consumed in order. */
  aggregateId: messageGroupId,
  /** The order's version after this change (1, 2, …): consumers use it to spot gaps and stale events. */
  sequence: z.number().int().positive(),
  /** When the change committed, ISO 8601 with offset (Debezium writes UTC with microseconds). */
  occurredAt: z.iso.datetime({ offset: true }),
  /** W3C `traceparent` of the request that caused the event, or null. */
  traceContext: z.string().min(1).nullable(),
  /** The event's data, e.g. the placed order. */
  payload: z.record(z.string(), z.unknown()),
});

export type OrderEventMessage = z.infer<typeof orderEventMessageSchema>;

/** Names of the SQS message attributes the router sets beside the body (for filtering and tracing). */
export const orderEventAttributes = {
  eventType: 'eventType',
  sequence: 'sequence',
  /** Only present when the event has a trace context. */
  traceContext: 'traceContext',
} as const;
