import { describe, expect, it } from 'vitest';
import { answer, STUB_DECLINED_AMOUNT_CENTS, type StubRequest } from './answer.ts';

const charge = (body: unknown, key: string | null = 'order-1'): StubRequest => ({
  method: 'POST',
  path: '/payment/charges',
  headers: key === null ? {} : { 'idempotency-key': key },
  body: JSON.stringify(body),
});
const order = { orderId: 'order-1', amountCents: 500, currency: 'USD' };

describe('the stub providers', () => {
  it('answers a charge with the contract shape, and a repeated key with the same charge', () => {
    const first = answer(charge(order));
    const again = answer(charge(order));

    expect(first).toMatchObject({ status: 201, body: { status: 'succeeded', orderId: 'order-1' } });
    expect(first.body.chargeId).toMatch(/^ch_stub_[0-9a-f]{24}$/);
    expect(again.body.chargeId).toBe(first.body.chargeId);
    expect(answer(charge(order, 'order-2')).body.chargeId).not.toBe(first.body.chargeId);
  });

  it('declines the magic amount, so a sandbox can walk the payment_failed path', () => {
    expect(answer(charge({ ...order, amountCents: STUB_DECLINED_AMOUNT_CENTS })).body.status).toBe(
      'declined',
    );
  });

  it('refuses a charge without an idempotency key or with a malformed body (a permanent 4xx)', () => {
    expect(answer(charge(order, null)).status).toBe(400);
    expect(answer(charge({ ...order, amountCents: -1 })).status).toBe(400);
    expect(answer({ ...charge(order), body: 'not json' }).status).toBe(400);
  });

  it('finds no charge on a look-up: it keeps no record, so the reconciler re-drives instead', () => {
    expect(answer({ ...charge(order), method: 'GET', body: '' })).toMatchObject({ status: 404 });
  });

  it('accepts a reservation and a message that name their order and event', () => {
    const effect = (path: string, body: unknown) =>
      answer({ method: 'POST', path, headers: {}, body: JSON.stringify(body) });
    const ids = { orderId: 'order-1', eventId: 'event-1' };

    expect(effect('/inventory/reservations', { ...ids, items: [] })).toMatchObject({
      status: 201,
      effect: 'reservation',
    });
    expect(effect('/notifications/messages', { ...ids, subject: 'Hi' })).toMatchObject({
      status: 201,
      effect: 'message',
    });
    expect(effect('/notifications/messages', { subject: 'Hi' }).status).toBe(400);
    expect(effect('/elsewhere', ids).status).toBe(404);
  });
});
