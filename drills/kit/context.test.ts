import { describe, expect, it } from 'vitest';
import { logTail } from './context.ts';

describe('logTail', () => {
  it('keeps the last lines, in order, and says how many there were', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const tail = logTail(lines, 3).split('\n');
    expect(tail).toEqual(['its last 3 of 50 log lines:', 'line 47', 'line 48', 'line 49']);
  });

  it('keeps every line when there are fewer than asked for', () => {
    expect(logTail(['api error: POST /orders: init Runtime.InitTimeout'], 40)).toBe(
      'its last 1 of 1 log lines:\napi error: POST /orders: init Runtime.InitTimeout',
    );
  });
});
