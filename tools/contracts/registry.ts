import { z } from 'zod';
import { orderEventPayloadSchemas } from '../../lambdas/orders/event-payloads.ts';
import { orderEventMessageSchema } from '../../lambdas/shared/order-event-message.ts';

/**
 * A contract other teams read: one name, one major version, one zod schema (the one the code validates with).
 * A breaking change is a new major, and a new major is a new event type (e.g. `OrderPlacedV2`) that the router
 * and consumers carry beside the old one until its readers have moved; the message tells them apart by type.
 */
export interface Contract {
  /** The event type, or `OrderEvent` for the envelope every event shares. Also the folder under contracts/. */
  name: string;
  major: number;
  /** One sentence: when the event is emitted and who reads it. */
  summary: string;
  schema: z.ZodType;
}

const summaries: Record<keyof typeof orderEventPayloadSchemas, string> = {
  OrderPlaced: 'An order was accepted by `POST /orders`. Read by payment, inventory and notification.',
  OrderConfirmed: 'The payment for a pending order succeeded; the order is confirmed. Read by notification.',
  OrderPaymentFailed:
    'The payment for a pending order was declined, or the reconciler gave up on an order never charged (with a `reason`). Read by notification.',
  OrderPaymentRequested:
    'The reconciler asks again for the payment of an order still pending with no charge (its message was lost to an outage). Read by payment only; the gateway idempotency key (the order id) keeps it to one charge.',
  OrderCancelled: 'A pending order was cancelled before it was charged. Read by notification.',
};

/** The envelope, then each event type as the full message a consumer receives (envelope + its payload). */
export const contracts: readonly Contract[] = [
  {
    name: 'OrderEvent',
    major: 1,
    summary:
      'The envelope of every order event, as the router delivers it to each consumer queue (SQS FIFO).',
    schema: orderEventMessageSchema,
  },
  ...Object.entries(orderEventPayloadSchemas).map(([type, payload]) => ({
    name: type,
    major: 1,
    summary: summaries[type as keyof typeof summaries],
    schema: orderEventMessageSchema.extend({
      eventType: z.literal(type).describe('The event type.'),
      payload: payload.describe(`The ${type} data.`),
    }),
  })),
];
