import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs, shouldRetry, UNAVAILABLE_PATIENCE_MS } from './retry-policy.ts';

describe('order retry policy', () => {
  it('retries a network error or a 5xx four times, 100 → 800 ms apart', () => {
    for (const status of [0, 500, 502, 503]) {
      expect([1, 2, 3, 4, 5].map((n) => shouldRetry(n, { status }))).toEqual([true, true, true, true, false]);
    }
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, { status: 0 }))).toEqual([100, 200, 400, 800]);
  });

  it('never retries a 4xx', () => {
    for (const status of [400, 401, 404, 409, 422, 429]) expect(shouldRetry(1, { status })).toBe(false);
  });

  it('paces a 503 with Retry-After by the server, for the patience and no longer', () => {
    const down = { status: 503, retryAfterMs: 5000 };
    const tries = UNAVAILABLE_PATIENCE_MS / 5000;
    expect(shouldRetry(tries - 1, down)).toBe(true);
    expect(shouldRetry(tries, down)).toBe(false);
    expect(retryDelayMs(3, down)).toBe(5000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-06T01:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 01:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 00:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
