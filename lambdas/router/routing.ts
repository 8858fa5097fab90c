import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { CONSUMERS, type ConsumerName } from '../shared/consumers.ts';
import { type OrderEventMessage, orderEventAttributes } from '../shared/order-event-message.ts';
import { UnroutableEventError } from './errors.ts';

/** The consumers the router can send to; each has one FIFO queue (`queueUrlEnv`). */
export const consumers = CONSUMERS;
export type Consumer = ConsumerName;

/**
 * Which consumers get each event type. A type missing here fails its record (UnroutableEventError) rather than
 * being dropped: a producer that ships a new event before the router knows it must be noticed, and the record
 * can be replayed from the stream once the route exists.
 */
export const routes: ReadonlyMap<string, readonly Consumer[]> = new Map<string, readonly Consumer[]>([
  ['OrderPlaced', CONSUMERS], // every consumer acts on a new order
  // The reconciler asking again for the payment of an order with no charge: payment alone acts on it.
  ['OrderPaymentRequested', ['payment']],
  // Results of payment: the customer hears about them; nothing else acts on them yet.
  ['OrderConfirmed', ['notification']],
  ['OrderPaymentFailed', ['notification']],
  ['OrderCancelled', ['notification']],
]);

/** The consumers `event` goes to; throws UnroutableEventError for a type without a route. */
export function consumersFor(event: Pick<OrderEventMessage, 'eventId' | 'eventType'>): readonly Consumer[] {
  const targets = routes.get(event.eventType);
  if (targets === undefined) throw new UnroutableEventError(event.eventId, event.eventType);
  return targets;
}

/** What a SendMessage to a consumer queue carries, apart from the queue URL. */
export interface SqsEntry {
  /** The order id: one order's events are delivered in order, different orders in parallel. */
  MessageGroupId: string;
  /** The event id (a 36-character UUID; SQS allows 128): a repeat send within 5 minutes is dropped by SQS. */
  MessageDeduplicationId: string;
  /** `OrderEventMessage` as JSON. */
  MessageBody: string;
  MessageAttributes: Record<string, MessageAttributeValue>;
}

/** The message every consumer gets for `event`: same body, group and dedup id whichever queue it goes to. */
export function toSqsEntry(event: OrderEventMessage): SqsEntry {
  // Built field by field so the body has one stable key order, whatever order the record had.
  const message: OrderEventMessage = {
    eventId: event.eventId,
    eventType: event.eventType,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    sequence: event.sequence,
    occurredAt: event.occurredAt,
    traceContext: event.traceContext,
    payload: event.payload,
  };
  const attributes: Record<string, MessageAttributeValue> = {
    [orderEventAttributes.eventType]: { DataType: 'String', StringValue: event.eventType },
    [orderEventAttributes.sequence]: { DataType: 'Number', StringValue: String(event.sequence) },
  };
  if (event.traceContext !== null)
    attributes[orderEventAttributes.traceContext] = { DataType: 'String', StringValue: event.traceContext };
  return {
    MessageGroupId: event.aggregateId,
    MessageDeduplicationId: event.eventId,
    MessageBody: JSON.stringify(message),
    MessageAttributes: attributes,
  };
}
