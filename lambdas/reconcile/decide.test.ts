import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';

describe('decide', () => {
  it('confirms a pending order whose charge succeeded at the gateway', () => {
    expect(decide({ status: 'pending' }, { found: true, chargeId: 'ch_1', status: 'succeeded' })).toEqual({
      kind: 'resolve',
      chargeId: 'ch_1',
      transition: { from: 'pending', to: 'confirmed', eventType: 'OrderConfirmed' },
    });
  });

  it('fails a pending order whose charge was declined', () => {
    expect(
      decide({ status: 'pending' }, { found: true, chargeId: 'ch_2', status: 'declined' }),
    ).toMatchObject({
      kind: 'resolve',
      transition: { to: 'payment_failed', eventType: 'OrderPaymentFailed' },
    });
  });

  it('leaves a pending order alone when the gateway has no charge for it', () => {
    expect(decide({ status: 'pending' }, { found: false })).toEqual({ kind: 'no-charge' });
  });

  it('never touches an order that is already settled', () => {
    for (const status of ['confirmed', 'payment_failed', 'cancelled'] as const)
      expect(decide({ status }, { found: true, chargeId: 'ch', status: 'declined' })).toEqual({
        kind: 'already-settled',
      });
  });
});
