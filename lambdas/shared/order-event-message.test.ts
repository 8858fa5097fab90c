import { describe, expect, it } from 'vitest';
import { orderEventMessageSchema } from './order-event-message.ts';

const message = {
  eventId: '01a20ddb-c6d4-709f-ba46-e37636ccc347',
  eventType: 'OrderPlaced',
  aggregateType: 'order',
  aggregateId: '01a20ddb-c6d4-709f-ba46-dffb8b54f784',
  sequence: 1,
  occurredAt: '2026-11-24T14:00:36.825595Z',
  traceContext: null,
  payload: { orderId: '01a20ddb-c6d4-709f-ba46-dffb8b54f784', totalCents: 100 },
};

describe('orderEventMessageSchema', () => {
  it('accepts the message the router sends', () => {
    expect(orderEventMessageSchema.parse(message)).toEqual(message);
  });

  it('drops a field it does not know instead of failing the message (tolerant reader)', () => {
    expect(orderEventMessageSchema.parse({ ...message, schemaVersion: 2 })).toEqual(message);
  });

  it('rejects a message whose payload is still JSON text', () => {
    expect(orderEventMessageSchema.safeParse({ ...message, payload: '{}' }).success).toBe(false);
  });

  it('requires every envelope field', () => {
    const { sequence: _, ...withoutSequence } = message;

    expect(orderEventMessageSchema.safeParse(withoutSequence).success).toBe(false);
  });
});
