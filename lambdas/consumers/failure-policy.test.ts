import { describe, expect, it } from 'vitest';
import {
  ChargeRejectedError,
  GatewayProtocolError,
  GatewayUnavailableError,
  MalformedMessageError,
  OrderNotFoundError,
  OversizeMessageError,
  UnknownEventTypeError,
} from './errors.ts';
import {
  backoffSeconds,
  decideFailure,
  type FailureContext,
  failureCause,
  isPermanent,
  maxReasonLength,
  outageReceives,
  type RetryBudget,
  retryWindowSeconds,
} from './failure-policy.ts';

const budget: RetryBudget = {
  maxAttempts: 5,
  backoffBaseSeconds: 2,
  backoffMaxSeconds: 60,
  outageBudgetSeconds: 6 * 3600,
  outageBackoffMaxSeconds: 120,
};
const noJitter = () => 1;
const sentAt = Date.parse('2026-12-05T00:00:00Z');
/** A delivery: receive n, `seconds` after the message was sent, with or without evidence of healthy dependencies. */
const at = (receiveCount: number, seconds = 10, dependenciesHealthy = false): FailureContext => ({
  receiveCount,
  sentAt,
  now: sentAt + seconds * 1000,
  dependenciesHealthy,
});
const refused = () =>
  new GatewayUnavailableError('o1', undefined, {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
  });

describe('decideFailure', () => {
  it.each([
    ['a malformed body', new MalformedMessageError('m1', 'body is not JSON')],
    ['an event type the consumer does not take', new UnknownEventTypeError('m1', 'payment', 'OrderShipped')],
    ['an oversize body', new OversizeMessageError('m1', 300_000, 65_536)],
    ['a 400 from the gateway', new ChargeRejectedError('o1', 400, '{}')],
  ])('quarantines %s on the first receive, with the error as its reason', (_, error) => {
    expect(decideFailure(error, at(1), budget)).toEqual({
      action: 'quarantine',
      cause: 'permanent',
      errorName: error.name,
      reason: `permanent failure: ${error.message}`,
    });
  });

  it('never quarantines a dependency outage inside the outage budget, however many receives it took', () => {
    for (const receive of [1, 5, 6, 50, 200])
      expect(decideFailure(refused(), at(receive, 3600), budget, noJitter)).toMatchObject({
        action: 'retry',
        cause: 'dependency',
      });
  });

  it('backs off an outage up to minutes, not the message cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => {
      const decision = decideFailure(refused(), at(n), budget, noJitter);
      return decision.action === 'retry' ? decision.delaySeconds : -1;
    });
    expect(delays).toEqual([2, 4, 8, 16, 32, 64, 120, 120]);
  });

  it('quarantines an outage only once the time budget is spent, saying so', () => {
    const decision = decideFailure(refused(), at(90, 6 * 3600 + 1), budget);
    expect(decision).toMatchObject({ action: 'quarantine', cause: 'dependency' });
    expect(decision.action === 'quarantine' && decision.reason).toMatch(
      /^dependency unavailable past the outage budget \(21601 s of 21600 s\): .*ECONNREFUSED/,
    );
  });

  it('never charges a failure to reach the dependency to the message, even just after others succeeded', () => {
    expect(failureCause(refused(), true)).toBe('dependency');
    expect(decideFailure(refused(), at(6, 60, true), budget)).toMatchObject({
      action: 'retry',
      cause: 'dependency',
    });
  });

  it('charges a dependency error to the message while other messages succeed (a poison order the gateway refuses)', () => {
    const error = new GatewayUnavailableError('o1', 500);
    expect(failureCause(error, true)).toBe('message');
    expect(decideFailure(error, at(4, 20, true), budget, noJitter)).toEqual({
      action: 'retry',
      cause: 'message',
      delaySeconds: 16,
    });
    const decision = decideFailure(error, at(5, 30, true), budget);
    expect(decision.action === 'quarantine' && decision.reason).toBe(
      'retry budget exhausted (5 of 5 receives): payment gateway unavailable for order o1 (HTTP 500)',
    );
  });

  it("never spends receives an outage took: a 503 judged the message's own after a long wait is an outage", () => {
    // Receive 7, first received 130 s ago: six receives went to a frozen database, then the gateway went down
    // just after a success. Twice the 30 s retry window plus a minute is 120 s.
    const error = new GatewayUnavailableError('o1', 503);
    const firstReceivedAt = sentAt + 5_000;
    const late = { ...at(7, 135, true), firstReceivedAt };
    expect(decideFailure(error, late, budget, noJitter)).toMatchObject({
      action: 'retry',
      cause: 'dependency',
    });
    // A poison order fails on its own within the window: still quarantined on its fifth receive.
    const poison = { ...at(5, 35, true), firstReceivedAt };
    expect(decideFailure(error, poison, budget)).toMatchObject({ action: 'quarantine', cause: 'message' });
    // A malformed body is permanent whatever its age.
    const malformed = new MalformedMessageError('m1', 'body is not JSON');
    expect(decideFailure(malformed, late, budget)).toMatchObject({
      action: 'quarantine',
      cause: 'permanent',
    });
  });

  it('retries a message failure after a backoff while its attempts last', () => {
    for (const receive of [1, 2, 3, 4])
      expect(decideFailure(new OrderNotFoundError('o1'), at(receive), budget, noJitter)).toEqual({
        action: 'retry',
        cause: 'message',
        delaySeconds: 2 * 2 ** (receive - 1),
      });
  });

  it('treats an error it does not know, or a thrown non-error, as the message failing', () => {
    expect(decideFailure(new TypeError('x is undefined'), at(1), budget).action).toBe('retry');
    expect(decideFailure('boom', at(5), budget)).toMatchObject({
      action: 'quarantine',
      errorName: 'NonError',
    });
  });

  it('waits for an attempt still in progress (a timed-out invocation) instead of spending the message budget', () => {
    const inProgress = Object.assign(new Error('There is already an execution in progress'), {
      name: 'IdempotencyAlreadyInProgressError',
    });
    expect(decideFailure(inProgress, at(5, 60, true), budget)).toMatchObject({
      action: 'retry',
      cause: 'dependency',
    });
  });

  it('treats a gateway answer it cannot read as an outage of the gateway, not a decline', () => {
    expect(failureCause(new GatewayProtocolError('o1', 'body is not JSON'), false)).toBe('dependency');
  });

  it('treats a 429 or 408 from the gateway as transient', () => {
    expect(isPermanent(new ChargeRejectedError('o1', 429, ''))).toBe(false);
    expect(isPermanent(new ChargeRejectedError('o1', 408, ''))).toBe(false);
    expect(isPermanent(new ChargeRejectedError('o1', 422, ''))).toBe(true);
    expect(failureCause(new ChargeRejectedError('o1', 429, ''), false)).toBe('dependency');
  });

  it('clips a long reason so the DLQ copy stays small', () => {
    const decision = decideFailure(new MalformedMessageError('m1', 'x'.repeat(5000)), at(1), budget);
    expect(decision.action === 'quarantine' && decision.reason.length).toBe(maxReasonLength);
  });
});

describe('backoffSeconds', () => {
  it('doubles per receive up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffSeconds(n, budget, noJitter, 60))).toEqual([
      2, 4, 8, 16, 32, 60, 60,
    ]);
  });

  it('keeps at least half the backoff and at least one second whatever the jitter', () => {
    expect(backoffSeconds(3, budget, () => 0, 60)).toBe(4);
    expect(backoffSeconds(1, { backoffBaseSeconds: 1 }, () => 0, 60)).toBe(1);
  });

  it('sums to the window a poison message spends before quarantine', () => {
    expect(retryWindowSeconds(budget)).toBe(2 + 4 + 8 + 16);
  });

  it('counts the receives a whole outage budget can spend at the shortest backoffs', () => {
    // 1+2+4+8+16+32+60 = 123 s in 7 receives, then 60 s each: (21600 − 123) / 60 → 358 more.
    expect(outageReceives(budget)).toBe(7 + Math.ceil((6 * 3600 - 123) / 60));
  });
});
