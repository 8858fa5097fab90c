import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';

const settings = { threshold: 3, openMs: 5_000, maxOpenMs: 20_000, healthyWindowMs: 60_000 };

describe('CircuitBreaker', () => {
  it('opens after three dependency failures in a row, not after one', () => {
    const breaker = new CircuitBreaker(settings);
    breaker.recordDependencyFailure(0, 'ECONNREFUSED');
    breaker.recordDependencyFailure(1, 'ECONNREFUSED');
    expect(breaker.state(2)).toBe('closed');
    breaker.recordDependencyFailure(2, 'ECONNREFUSED');
    expect(breaker.state(3)).toBe('open');
    expect(breaker.allow(3)).toBe(false);
    expect(breaker.msUntilProbe(3)).toBe(4_999);
  });

  it('stays closed when successes come between failures (one order failing is not an outage)', () => {
    const breaker = new CircuitBreaker(settings);
    for (let t = 0; t < 10; t++) {
      breaker.recordDependencyFailure(t * 2, 'HTTP 500');
      breaker.recordSuccess(t * 2 + 1);
    }
    expect(breaker.state(100)).toBe('closed');
    expect(breaker.healthy(100)).toBe(true);
  });

  it('lets one probe through when the open period ends; a success closes it', () => {
    const breaker = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) breaker.recordDependencyFailure(0, 'down');
    expect(breaker.allow(5_000)).toBe(true);
    expect(breaker.allow(5_001)).toBe(false);
    breaker.recordSuccess(5_100);
    expect(breaker.state(5_101)).toBe('closed');
    expect(breaker.allow(5_101)).toBe(true);
  });

  it('doubles the open period after a failed probe, up to the cap', () => {
    const breaker = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) breaker.recordDependencyFailure(0, 'down');
    let now = 5_000;
    const periods: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(breaker.allow(now)).toBe(true);
      breaker.recordDependencyFailure(now, 'down');
      periods.push(breaker.msUntilProbe(now));
      now += breaker.msUntilProbe(now);
    }
    expect(periods).toEqual([10_000, 20_000, 20_000, 20_000]);
  });

  it('is not healthy once a dependency failure follows the last success (an outage starting)', () => {
    const breaker = new CircuitBreaker(settings);
    breaker.recordSuccess(0);
    expect(breaker.healthy(1)).toBe(true);
    breaker.recordDependencyFailure(2, 'ECONNREFUSED');
    expect(breaker.healthy(3)).toBe(false);
  });

  it('is not healthy without a recent success: a cold container cannot tell poison from an outage', () => {
    const breaker = new CircuitBreaker(settings);
    expect(breaker.healthy(0)).toBe(false);
    breaker.recordSuccess(0);
    expect(breaker.healthy(60_000)).toBe(true);
    expect(breaker.healthy(60_001)).toBe(false);
  });
});
