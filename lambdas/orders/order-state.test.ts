import { describe, expect, it } from 'vitest';
import { orderStatuses } from './order.ts';
import { cancelTransition, paymentTransition } from './order-state.ts';

describe('paymentTransition', () => {
  it('confirms a pending order whose payment succeeded', () => {
    expect(paymentTransition('pending', 'succeeded')).toEqual({
      from: 'pending',
      to: 'confirmed',
      eventType: 'OrderConfirmed',
    });
  });

  it('fails a pending order whose payment was declined', () => {
    expect(paymentTransition('pending', 'declined')?.to).toBe('payment_failed');
  });

  it.each(orderStatuses.filter((s) => s !== 'pending'))(
    'never moves an order that is already %s',
    (status) => {
      expect(paymentTransition(status, 'succeeded')).toBeUndefined();
      expect(paymentTransition(status, 'declined')).toBeUndefined();
    },
  );
});

describe('cancelTransition', () => {
  it('cancels a pending order and emits OrderCancelled', () => {
    expect(cancelTransition('pending')).toEqual({
      from: 'pending',
      to: 'cancelled',
      eventType: 'OrderCancelled',
    });
  });

  it.each(orderStatuses.filter((s) => s !== 'pending'))(
    'never cancels an order that is already %s',
    (status) => {
      expect(cancelTransition(status)).toBeUndefined();
    },
  );

  it('leaves a cancelled order out of reach of a late payment result', () => {
    const cancelled = cancelTransition('pending')?.to ?? 'pending';
    expect(paymentTransition(cancelled, 'succeeded')).toBeUndefined();
    expect(paymentTransition(cancelled, 'declined')).toBeUndefined();
  });
});
