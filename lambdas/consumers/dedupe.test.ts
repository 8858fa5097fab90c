import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/env.ts';
import {
  classify,
  endToEndLatencyMs,
  idempotencyKeyPrefix,
  idempotencyWindowSeconds,
  markReplayed,
} from './dedupe.ts';

describe('dedupe decisions', () => {
  it('give each consumer its own key prefix, so one consumer handling an event does not skip it for another', () => {
    const prefixes = (['payment', 'inventory', 'notification'] as const).map(idempotencyKeyPrefix);
    expect(new Set(prefixes).size).toBe(3);
  });

  it('read the window as whole seconds', () => {
    expect(idempotencyWindowSeconds('86400')).toBe(86_400);
    expect(idempotencyWindowSeconds('2')).toBe(2);
  });

  it.each([undefined, '', '0', '-5', '1.5', 'one day'])('refuse the window %j', (raw) => {
    expect(() => idempotencyWindowSeconds(raw)).toThrow(ConfigError);
  });

  it('count an answer from a stored record as a duplicate and a fresh result as applied', () => {
    const applied = { outcome: 'confirmed', appliedBy: 'req-1' };
    expect(classify(applied)).toEqual({ kind: 'applied', applied });
    expect(classify(markReplayed(applied))).toEqual({ kind: 'duplicate', applied });
  });

  it('measure end-to-end latency from the event time and never report a negative one', () => {
    const at = '2026-11-24T12:00:00.000Z';
    expect(endToEndLatencyMs(at, Date.parse(at) + 250)).toBe(250);
    expect(endToEndLatencyMs(at, Date.parse(at) - 10)).toBe(0);
  });
});
