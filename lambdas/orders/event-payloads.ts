import { z } from 'zod';
import { describeIssues } from '../shared/debezium-record.ts';
import { EventPayloadError } from './errors.ts';
import { orderItemSchema } from './order.ts';

/**
 * The payload of each order event type: the data other teams consume. `contracts/` publishes these (with the
 * envelope) as versioned JSON Schemas and `docs/contracts.md` is generated from them, so a change here is a
 * change to a published contract: `npm run contracts` says whether it is compatible (a new minor version) or
 * breaking (only allowed as a new major, i.e. a new event type routed beside the old one).
 *
 * Plain `z.object`: readers ignore fields they do not know (tolerant reader), so adding a field is compatible.
 */
const orderId = z.uuid().describe('The order id; the same as the envelope `aggregateId`.');

export const orderPlacedPayloadSchema = z.object({
  orderId,
  customerId: z.string().min(1).max(128).describe('Who placed the order, as the API authenticated them.'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .describe('ISO 4217 code of every amount in the order, e.g. `USD`.'),
  totalCents: z
    .number()
    .int()
    .positive()
    .describe('Sum of quantity × unitPriceCents over the items, in the minor unit of `currency`.'),
  items: z
    .array(orderItemSchema)
    .min(1)
    .describe('The order lines as placed: `sku`, `quantity`, `unitPriceCents`.'),
});

/** The two results of a payment share one shape; `status` tells them apart. */
function paymentResultPayloadSchema(status: 'confirmed' | 'payment_failed') {
  return z.object({
    orderId,
    status: z.literal(status).describe('The order status after this event.'),
    chargeId: z.string().min(1).describe('The payment gateway charge the result comes from.'),
    causedBy: z
      .uuid()
      .optional()
      .describe('Event id of the `OrderPlaced` the payment consumer acted on; absent when reconciled.'),
    resolvedBy: z
      .literal('reconcile')
      .optional()
      .describe('`reconcile` when the reconciler settled an order left pending; absent otherwise.'),
  });
}

export const orderConfirmedPayloadSchema = paymentResultPayloadSchema('confirmed');
/** A declined charge, or an order the reconciler gave up on with no charge ever made (then `reason` says so). */
export const orderPaymentFailedPayloadSchema = paymentResultPayloadSchema('payment_failed').extend({
  chargeId: z
    .string()
    .min(1)
    .optional()
    .describe('The payment gateway charge that was declined; absent when no charge was ever made.'),
  reason: z
    .string()
    .optional()
    .describe('Why the order failed when no charge was made, e.g. `could not be processed`.'),
});

/** The reconciler asking again for the payment of an order that has no charge; only the payment consumer takes it. */
export const orderPaymentRequestedPayloadSchema = orderPlacedPayloadSchema.extend({
  reason: z.literal('reconcile').describe('Who asked again: the reconciler.'),
});

export const orderCancelledPayloadSchema = z.object({
  orderId,
  status: z.literal('cancelled').describe('The order status after this event.'),
});

/** Every event type an order emits, with the schema of its payload. */
export const orderEventPayloadSchemas = {
  OrderPlaced: orderPlacedPayloadSchema,
  OrderConfirmed: orderConfirmedPayloadSchema,
  OrderPaymentFailed: orderPaymentFailedPayloadSchema,
  OrderCancelled: orderCancelledPayloadSchema,
  OrderPaymentRequested: orderPaymentRequestedPayloadSchema,
} as const;

export type OrderEventType = keyof typeof orderEventPayloadSchemas;
export type OrderPlacedPayload = z.infer<typeof orderPlacedPayloadSchema>;

/**
 * `payload` checked against `eventType`'s published contract before it is written to the outbox: an event that
 * breaks its contract fails the write (and the transaction) instead of reaching other teams, and a field the
 * contract does not publish is dropped rather than leaked.
 */
export function contractPayload(
  eventType: string,
  payload: Record<string, unknown>,
): Record<string, unknown> {
  const schema = orderEventPayloadSchemas[eventType as OrderEventType];
  if (schema === undefined) throw new EventPayloadError(eventType, 'has no published contract');
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new EventPayloadError(eventType, describeIssues(parsed.error), parsed.error);
  return parsed.data;
}
