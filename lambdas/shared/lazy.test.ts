import { describe, expect, it } from 'vitest';
import { lazy } from './lazy.ts';

describe('lazy', () => {
  it('makes the value once and hands the same promise to every caller', async () => {
    let made = 0;
    const get = lazy(async () => ++made);
    expect(await Promise.all([get(), get(), get()])).toEqual([1, 1, 1]);
    expect(made).toBe(1);
  });

  it('forgets a rejection, so the next call tries again and can succeed', async () => {
    let calls = 0;
    const get = lazy(async () => {
      calls++;
      if (calls === 1) throw new Error('connect ECONNREFUSED');
      return 'client';
    });
    await expect(get()).rejects.toThrow('ECONNREFUSED');
    expect(await get()).toBe('client');
    expect(await get()).toBe('client');
    expect(calls).toBe(2);
  });
});
