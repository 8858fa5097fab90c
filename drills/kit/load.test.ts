import { describe, expect, it } from 'vitest';
import { type Attempt, openLoop, sendOffsets, webUiRetry } from './load.ts';

/** The web UI's decisions, without its pauses. */
const noPause = { shouldRetry: webUiRetry.shouldRetry, delayMs: () => 0 };

describe('open-loop load', () => {
  it('spaces sends evenly at the rate for the duration', () => {
    expect(sendOffsets(20, 1000)).toEqual([
      0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700, 750, 800, 850, 900, 950,
    ]);
    expect(sendOffsets(50, 600_000)).toHaveLength(30_000);
  });

  it('retries a 5xx or network error with the same idempotency key', async () => {
    const keys: string[] = [];
    const answers: Attempt[] = [{ status: 0 }, { status: 503 }, { status: 201, id: 'order-1' }];
    const result = await openLoop({
      ratePerSecond: 1,
      durationMs: 1000,
      retry: noPause,
      place: async (key) => {
        keys.push(key);
        return answers.shift() ?? { status: 500 };
      },
    });
    expect(new Set(keys).size).toBe(1);
    expect(result.accepted).toMatchObject([{ id: 'order-1', attempts: 3, idempotencyKey: keys[0] }]);
  });

  it('counts a replayed order (a retry answered 200 after a lost first answer) as accepted', async () => {
    const answers: Attempt[] = [{ status: 0 }, { status: 200, id: 'order-2' }];
    const result = await openLoop({
      ratePerSecond: 1,
      durationMs: 1000,
      retry: noPause,
      place: async () => answers.shift() ?? { status: 500 },
    });
    expect(result).toMatchObject({ accepted: [{ id: 'order-2', attempts: 2 }], refused: [] });
  });

  it('never retries a 4xx', async () => {
    const result = await openLoop({
      ratePerSecond: 1,
      durationMs: 1000,
      retry: noPause,
      place: async () => ({ status: 400 }),
    });
    expect(result.refused).toMatchObject([{ lastStatus: 400, attempts: 1 }]);
  });

  it('gives up after the retries and records the order as refused', async () => {
    const result = await openLoop({
      ratePerSecond: 1,
      durationMs: 1000,
      retry: noPause,
      place: async () => ({ status: 503 }),
    });
    expect(result).toMatchObject({ offered: 1, accepted: [], refused: [{ lastStatus: 503, attempts: 5 }] });
  });

  it('keeps retrying a 503 with Retry-After for the UI’s patience, then records it as refused', async () => {
    const result = await openLoop({
      ratePerSecond: 1,
      durationMs: 1000,
      retry: noPause,
      place: async () => ({ status: 503, retryAfterMs: 5000 }),
    });
    // 30 s of patience at 5 s: five retries after the first attempt, as the page would make.
    expect(result.refused).toMatchObject([{ lastStatus: 503, attempts: 6 }]);
  });
});
