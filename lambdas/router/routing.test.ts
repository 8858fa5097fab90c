import { describe, expect, it } from 'vitest';
import { orderEventMessageSchema } from '../shared/order-event-message.ts';
import { UnroutableEventError } from './errors.ts';
import { anOrderEvent } from './fixtures/records.ts';
import { consumersFor, toSqsEntry } from './routing.ts';

describe('consumersFor', () => {
  it('sends OrderPlaced to payment, inventory and notification', () => {
    expect(consumersFor(anOrderEvent())).toEqual(['payment', 'inventory', 'notification']);
  });

  it('refuses an event type without a route, naming the event and the type', () => {
    const event = anOrderEvent({ eventType: 'OrderTeleported' });

    expect(() => consumersFor(event)).toThrow(UnroutableEventError);
    expect(() => consumersFor(event)).toThrow(expect.objectContaining({ eventId: event.eventId }));
    expect(() => consumersFor(event)).toThrow(/"OrderTeleported"/);
  });

  it('does not mistake an Object.prototype name for a route', () => {
    expect(() => consumersFor(anOrderEvent({ eventType: 'constructor' }))).toThrow(UnroutableEventError);
  });
});

describe('toSqsEntry', () => {
  it('groups by order id and deduplicates by event id', () => {
    const event = anOrderEvent();

    const entry = toSqsEntry(event);

    expect(entry.MessageGroupId).toBe(event.aggregateId);
    expect(entry.MessageDeduplicationId).toBe(event.eventId);
    expect(entry.MessageDeduplicationId.length).toBeLessThanOrEqual(128);
  });

  it('puts the whole envelope in the body, payload as an object, readable with the consumers’ schema', () => {
    const event = anOrderEvent();

    const body = JSON.parse(toSqsEntry(event).MessageBody) as unknown;

    expect(orderEventMessageSchema.parse(body)).toEqual(event);
    expect(Object.keys(body as object)).toEqual([
      'eventId',
      'eventType',
      'aggregateType',
      'aggregateId',
      'sequence',
      'occurredAt',
      'traceContext',
      'payload',
    ]);
  });

  it('keeps a null trace context in the body', () => {
    const body = JSON.parse(toSqsEntry(anOrderEvent({ traceContext: null })).MessageBody);

    expect(body).toHaveProperty('traceContext', null);
  });

  it('sets eventType, sequence and traceContext attributes', () => {
    const event = anOrderEvent({ sequence: 3 });

    expect(toSqsEntry(event).MessageAttributes).toEqual({
      eventType: { DataType: 'String', StringValue: 'OrderPlaced' },
      sequence: { DataType: 'Number', StringValue: '3' },
      traceContext: { DataType: 'String', StringValue: event.traceContext },
    });
  });

  it('leaves the traceContext attribute out when there is none (SQS rejects empty attribute values)', () => {
    expect(toSqsEntry(anOrderEvent({ traceContext: null })).MessageAttributes).not.toHaveProperty(
      'traceContext',
    );
  });
});
