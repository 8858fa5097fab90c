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
 * make an older consumer fail its messages into the DLQ. The descriptions are published: `contracts/` and
 * docs/contracts.md are generated from this schema (`npm run contracts`).
 */
export const orderEventMessageSchema = z.object({
  eventId: z
    .uuid()
    .describe("The outbox row's UUIDv7: the SQS FIFO deduplication id and the consumers' idempotency key."),
  eventType: z
    .string()
    .min(1)
    .describe('What happened, e.g. `OrderPlaced`; says which payload contract applies.'),
  aggregateType: z.string().min(1).describe('The kind of aggregate that changed: `order`.'),
  aggregateId: messageGroupId.describe(
    "The order id: the SQS FIFO group id, so one order's events are consumed in order.",
  ),
  sequence: z
    .number()
    .int()
    .positive()
    .describe(
      "The order's version after this change (1, 2, …): consumers use it to spot gaps and stale events.",
    ),
  occurredAt: z.iso
    .datetime({ offset: true })
    .describe('When the change committed, ISO 8601 with offset (Debezium writes UTC with microseconds).'),
  traceContext: z
    .string()
    .min(1)
    .nullable()
    .describe('W3C `traceparent` of the request that caused the event, or null.'),
  payload: z
    .record(z.string(), z.unknown())
    .describe("The event's data; its shape is the event type's contract."),
});

export type OrderEventMessage = z.infer<typeof orderEventMessageSchema>;

/** Names of the SQS message attributes the router sets beside the body (for filtering and tracing). */
export const orderEventAttributes = {
  eventType: 'eventType',
  sequence: 'sequence',
  /** Only present when the event has a trace context. */
  traceContext: 'traceContext',
} as const;
