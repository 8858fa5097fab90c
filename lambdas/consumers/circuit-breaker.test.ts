import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';

const settings = { threshold: 3, openMs: 5_000, maxOpenMs: 20_000, healthyWindowMs: 60_000 };

describe('CircuitBreaker', () => {
  it('opens when three different messages fail on a dependency with nothing succeeding, not after one', () => {
    const breaker = new CircuitBreaker(settings);
    breaker.recordDependencyFailure(0, 'ECONNREFUSED', 'm1');
    breaker.recordDependencyFailure(1, 'ECONNREFUSED', 'm2');
    expect(breaker.state(2)).toBe('closed');
    breaker.recordDependencyFailure(2, 'ECONNREFUSED', 'm3');
    expect(breaker.state(3)).toBe('open');
    expect(breaker.allow(3)).toBe(false);
    expect(breaker.msUntilProbe(3)).toBe(4_999);
  });

  it('stays closed while one poison message fails again and again (it is that order, not an outage)', () => {
    const breaker = new CircuitBreaker(settings);
    breaker.recordSuccess(0);
    for (let t = 1; t <= 5; t++) {
      expect(breaker.healthy(t * 1000, 'poison')).toBe(true);
      breaker.recordDependencyFailure(t * 1000, 'HTTP 500', 'poison');
    }
    expect(breaker.state(6_000)).toBe('closed');
  });

  it('is not healthy once another message has failed on a dependency since the last success (an outage starting)', () => {
    const breaker = new CircuitBreaker(settings);
    breaker.recordSuccess(0);
    breaker.recordDependencyFailure(2, 'ECONNREFUSED', 'm1');
    expect(breaker.healthy(3, 'm1')).toBe(true);
    expect(breaker.healthy(3, 'm2')).toBe(false);
  });

  it('lets one probe through when the open period ends; a success closes it', () => {
    const breaker = new CircuitBreaker(settings);
    for (const m of ['a', 'b', 'c']) breaker.recordDependencyFailure(0, 'down', m);
    expect(breaker.allow(5_000)).toBe(true);
    expect(breaker.allow(5_001)).toBe(false);
    breaker.recordSuccess(5_100);
    expect(breaker.state(5_101)).toBe('closed');
    expect(breaker.allow(5_101)).toBe(true);
  });

  it('doubles the open period after a failed probe, up to the cap', () => {
    const breaker = new CircuitBreaker(settings);
    for (const m of ['a', 'b', 'c']) breaker.recordDependencyFailure(0, 'down', m);
    let now = 5_000;
    const periods: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(breaker.allow(now)).toBe(true);
      breaker.recordDependencyFailure(now, 'down', 'probe');
      periods.push(breaker.msUntilProbe(now));
      now += breaker.msUntilProbe(now);
    }
    expect(periods).toEqual([10_000, 20_000, 20_000, 20_000]);
  });

  it('is not healthy without a recent success: a cold container cannot tell poison from an outage', () => {
    const breaker = new CircuitBreaker(settings);
    expect(breaker.healthy(0, 'm1')).toBe(false);
    breaker.recordSuccess(0);
    expect(breaker.healthy(60_000, 'm1')).toBe(true);
    expect(breaker.healthy(60_001, 'm1')).toBe(false);
  });
});
