import { describe, expect, it } from 'vitest';
import type { Order } from '../../orders/order.ts';
import type { OrderEventMessage } from '../../shared/order-event-message.ts';
import { OrderNotFoundError } from '../errors.ts';
import { handlePayment, type PaymentDeps } from './handle-payment.ts';

const order: Order = {
  id: '01a20000-0000-7000-8000-000000000001',
  customerId: 'c',
  status: 'pending',
  currency: 'USD',
  totalCents: 500,
  items: [{ sku: 'A', quantity: 1, unitPriceCents: 500 }],
  version: 1,
  createdAt: '',
  updatedAt: '',
};
const placed: OrderEventMessage = {
  eventId: '01a20000-0000-7000-8000-0000000000e1',
  eventType: 'OrderPlaced',
  aggregateType: 'order',
  aggregateId: order.id,
  sequence: 1,
  occurredAt: '2026-11-24T12:00:00Z',
  traceContext: null,
  payload: {},
};

/** In-memory fakes of the database and the gateway, recording what was asked of them. */
function fakes(current: Order | undefined, chargeStatus: 'succeeded' | 'declined' = 'succeeded') {
  const calls = { charges: 0, transitions: [] as string[] };
  const deps: PaymentDeps = {
    getOrder: async () => current,
    charge: async () => {
      calls.charges++;
      return { chargeId: 'ch_1', status: chargeStatus };
    },
    transition: async (change) => {
      calls.transitions.push(`${change.from}->${change.to}:${change.eventType}`);
      return current && { ...current, status: change.to };
    },
  };
  return { deps, calls };
}

describe('handlePayment', () => {
  it('charges a pending order and confirms it', async () => {
    const { deps, calls } = fakes(order);
    expect(await handlePayment(placed, deps)).toBe('confirmed');
    expect(calls).toEqual({ charges: 1, transitions: ['pending->confirmed:OrderConfirmed'] });
  });

  it('moves the order only from the version it read, so a result for a moved order cannot apply', async () => {
    const { deps } = fakes(order);
    const seen: Array<number | undefined> = [];
    const transition = deps.transition;
    deps.transition = async (change) => {
      seen.push(change.expectedVersion);
      return transition(change);
    };
    await handlePayment(placed, deps);
    expect(seen).toEqual([order.version]);
  });

  it('records a declined payment as payment_failed', async () => {
    const { deps, calls } = fakes(order, 'declined');
    expect(await handlePayment(placed, deps)).toBe('payment_failed');
    expect(calls.transitions).toEqual(['pending->payment_failed:OrderPaymentFailed']);
  });

  it('does not charge an order that is already settled (a redelivered event)', async () => {
    const { deps, calls } = fakes({ ...order, status: 'confirmed', version: 2 });
    expect(await handlePayment(placed, deps)).toBe('already-settled');
    expect(calls).toEqual({ charges: 0, transitions: [] });
  });

  it('ignores events that are not placements', async () => {
    const { deps, calls } = fakes(order);
    expect(await handlePayment({ ...placed, eventType: 'OrderConfirmed' }, deps)).toBe('ignored');
    expect(calls.charges).toBe(0);
  });

  it('fails (for a retry) when the order is unknown', async () => {
    await expect(handlePayment(placed, fakes(undefined).deps)).rejects.toBeInstanceOf(OrderNotFoundError);
  });
});
