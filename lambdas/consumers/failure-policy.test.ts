import { describe, expect, it } from 'vitest';
import {
  ChargeRejectedError,
  GatewayUnavailableError,
  MalformedMessageError,
  OversizeMessageError,
  UnknownEventTypeError,
} from './errors.ts';
import {
  backoffSeconds,
  decideFailure,
  isPermanent,
  maxReasonLength,
  type RetryBudget,
  retryWindowSeconds,
} from './failure-policy.ts';

const budget: RetryBudget = { maxReceiveCount: 5, backoffBaseSeconds: 2, backoffMaxSeconds: 60 };
const noJitter = () => 1;

describe('decideFailure', () => {
  it.each([
    ['a malformed body', new MalformedMessageError('m1', 'body is not JSON')],
    ['an event type the consumer does not take', new UnknownEventTypeError('m1', 'payment', 'OrderShipped')],
    ['an oversize body', new OversizeMessageError('m1', 300_000, 65_536)],
    ['a 400 from the gateway', new ChargeRejectedError('o1', 400, '{}')],
  ])('quarantines %s on the first receive, with the error as its reason', (_, error) => {
    const decision = decideFailure(error, 1, budget);
    expect(decision).toEqual({
      action: 'quarantine',
      errorName: error.name,
      reason: `permanent failure: ${error.message}`,
    });
  });

  it('retries a transient failure after a backoff while the budget lasts', () => {
    const error = new GatewayUnavailableError('o1', 500);
    for (const receive of [1, 2, 3, 4])
      expect(decideFailure(error, receive, budget, noJitter)).toEqual({
        action: 'retry',
        delaySeconds: 2 * 2 ** (receive - 1),
      });
  });

  it('quarantines a transient failure on the receive that uses up maxReceiveCount, saying so', () => {
    const decision = decideFailure(new GatewayUnavailableError('o1', 500), 5, budget);
    expect(decision).toMatchObject({ action: 'quarantine', errorName: 'GatewayUnavailableError' });
    expect(decision.action === 'quarantine' && decision.reason).toBe(
      'retry budget exhausted (5 of 5 receives): payment gateway unavailable for order o1 (HTTP 500)',
    );
  });

  it('treats an error it does not know, or a thrown non-error, as transient', () => {
    expect(decideFailure(new TypeError('fetch failed'), 1, budget).action).toBe('retry');
    expect(decideFailure('boom', 5, budget)).toMatchObject({ action: 'quarantine', errorName: 'NonError' });
  });

  it('treats a 429 or 408 from the gateway as transient', () => {
    expect(isPermanent(new ChargeRejectedError('o1', 429, ''))).toBe(false);
    expect(isPermanent(new ChargeRejectedError('o1', 408, ''))).toBe(false);
    expect(isPermanent(new ChargeRejectedError('o1', 422, ''))).toBe(true);
  });

  it('clips a long reason so the DLQ copy stays small', () => {
    const decision = decideFailure(new MalformedMessageError('m1', 'x'.repeat(5000)), 1, budget);
    expect(decision.action === 'quarantine' && decision.reason.length).toBe(maxReasonLength);
  });
});

describe('backoffSeconds', () => {
  it('doubles per receive up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffSeconds(n, budget, noJitter))).toEqual([
      2, 4, 8, 16, 32, 60, 60,
    ]);
  });

  it('keeps at least half the backoff and at least one second whatever the jitter', () => {
    expect(backoffSeconds(3, budget, () => 0)).toBe(4);
    expect(backoffSeconds(1, { ...budget, backoffBaseSeconds: 1 }, () => 0)).toBe(1);
  });

  it('sums to the window a poison message spends before quarantine', () => {
    expect(retryWindowSeconds(budget)).toBe(2 + 4 + 8 + 16);
  });
});
