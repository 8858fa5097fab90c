import { describe, expect, it } from 'vitest';
import { couldNotBeProcessed, decide } from './decide.ts';

const now = new Date('2026-12-05T12:00:00Z');
const options = { now, redriveIntervalSeconds: 300, giveUpAfterSeconds: 7 * 3600 };
const pending = (minutesAgo: number, paymentRequestedMinutesAgo?: number) => ({
  status: 'pending' as const,
  createdAt: new Date(now.getTime() - minutesAgo * 60_000).toISOString(),
  paymentRequestedAt:
    paymentRequestedMinutesAgo === undefined
      ? null
      : new Date(now.getTime() - paymentRequestedMinutesAgo * 60_000).toISOString(),
});

describe('decide', () => {
  it('confirms a pending order whose charge succeeded at the gateway', () => {
    expect(decide(pending(3), { found: true, chargeId: 'ch_1', status: 'succeeded' }, options)).toEqual({
      kind: 'resolve',
      chargeId: 'ch_1',
      transition: { from: 'pending', to: 'confirmed', eventType: 'OrderConfirmed' },
    });
  });

  it('fails a pending order whose charge was declined', () => {
    expect(decide(pending(3), { found: true, chargeId: 'ch_2', status: 'declined' }, options)).toMatchObject({
      kind: 'resolve',
      transition: { to: 'payment_failed', eventType: 'OrderPaymentFailed' },
    });
  });

  it('asks again for the payment of an order with no charge (a message lost to an outage)', () => {
    expect(decide(pending(3), { found: false }, options)).toEqual({ kind: 'redrive' });
    expect(decide(pending(30, 6), { found: false }, options)).toEqual({ kind: 'redrive' });
  });

  it('does not ask again inside the re-drive interval', () => {
    expect(decide(pending(30, 4), { found: false }, options)).toEqual({ kind: 'no-charge' });
  });

  it('fails an order with no charge past the final deadline, with a reason, instead of leaving it pending', () => {
    expect(decide(pending(7 * 60, 1), { found: false }, options)).toEqual({
      kind: 'give-up',
      reason: couldNotBeProcessed,
      transition: { from: 'pending', to: 'payment_failed', eventType: 'OrderPaymentFailed' },
    });
  });

  it('applies a charge found even past the final deadline: the gateway is authoritative', () => {
    expect(decide(pending(8 * 60), { found: true, chargeId: 'ch', status: 'succeeded' }, options).kind).toBe(
      'resolve',
    );
  });

  it('never touches an order that is already settled', () => {
    for (const status of ['confirmed', 'payment_failed', 'cancelled'] as const)
      expect(
        decide({ ...pending(9 * 60), status }, { found: true, chargeId: 'ch', status: 'declined' }, options),
      ).toEqual({ kind: 'already-settled' });
  });
});
