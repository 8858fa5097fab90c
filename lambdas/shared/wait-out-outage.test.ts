import { describe, expect, it } from 'vitest';
import { waitOutOutage } from './wait-out-outage.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('waitOutOutage', () => {
  it('retries a dependency failure until it passes', async () => {
    let calls = 0;
    const result = await waitOutOutage(
      async () => {
        if (++calls < 3) throw refused();
        return 'sent';
      },
      { timeLeftMs: () => 60_000, reserveMs: 1_000, firstPauseMs: 1 },
    );
    expect(result).toBe('sent');
    expect(calls).toBe(3);
  });

  it('gives up with the last failure when the invocation has no time left for another pause', async () => {
    let left = 3_000;
    let calls = 0;
    const attempt = waitOutOutage(
      async () => {
        calls++;
        left -= 1_000;
        throw refused();
      },
      { timeLeftMs: () => left, reserveMs: 500, firstPauseMs: 1 },
    );
    await expect(attempt).rejects.toThrow('ECONNREFUSED');
    expect(calls).toBe(3);
  });

  it('rethrows any other failure at once', async () => {
    let calls = 0;
    const attempt = waitOutOutage(
      async () => {
        calls++;
        throw new TypeError('bad record');
      },
      { timeLeftMs: () => 60_000, reserveMs: 1_000, firstPauseMs: 1 },
    );
    await expect(attempt).rejects.toThrow('bad record');
    expect(calls).toBe(1);
  });
});
