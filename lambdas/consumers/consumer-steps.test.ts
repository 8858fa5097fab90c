import { describe, expect, it } from 'vitest';
import type { OrderEventMessage } from '../shared/order-event-message.ts';
import { reserveStock } from './inventory/reserve-stock.ts';
import { notifyCustomer } from './notification/notify-customer.ts';

const placed: OrderEventMessage = {
  eventId: '01a20000-0000-7000-8000-0000000000e1',
  eventType: 'OrderPlaced',
  aggregateType: 'order',
  aggregateId: '01a20000-0000-7000-8000-000000000001',
  sequence: 1,
  occurredAt: '2026-11-24T12:00:00Z',
  traceContext: null,
  payload: { items: [{ sku: 'A', quantity: 2 }] },
};

describe('inventory step', () => {
  it('reserves a placed order under a key per order, so the warehouse holds stock once per order', async () => {
    const calls: Array<{ orderId: string; key: string }> = [];
    const result = await reserveStock(placed, {
      reserve: async (request, key) => {
        calls.push({ orderId: request.orderId, key });
      },
    });
    expect(result).toBe('reserved');
    expect(calls).toEqual([{ orderId: placed.aggregateId, key: `reservation:${placed.aggregateId}` }]);
  });

  it('reserves nothing for events other than placements', async () => {
    let calls = 0;
    const deps = { reserve: async () => void calls++ };
    expect(await reserveStock({ ...placed, eventType: 'OrderConfirmed' }, deps)).toBe('ignored');
    expect(calls).toBe(0);
  });
});

describe('notification step', () => {
  it('sends one message per event the customer hears about', async () => {
    const sent: string[] = [];
    const deps = { send: async (m: { eventType: string }) => void sent.push(m.eventType) };
    for (const eventType of ['OrderPlaced', 'OrderConfirmed', 'OrderPaymentFailed', 'OrderCancelled'])
      expect(await notifyCustomer({ ...placed, eventType }, deps)).toBe('sent');
    expect(sent).toHaveLength(4);
  });

  it('stays silent for events the customer does not hear about', async () => {
    let calls = 0;
    expect(
      await notifyCustomer({ ...placed, eventType: 'SomethingInternal' }, { send: async () => void calls++ }),
    ).toBe('ignored');
    expect(calls).toBe(0);
  });
});
