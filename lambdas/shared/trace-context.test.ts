import { describe, expect, it } from 'vitest';
import { traceContextOf } from './trace-context.ts';

const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceContextOf', () => {
  it('keeps a W3C traceparent', () => {
    expect(traceContextOf(valid)).toBe(valid);
    expect(traceContextOf(` ${valid} `)).toBe(valid);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['8 KB of text', 'x'.repeat(8192)],
    ['a valid one with 8 KB appended', `${valid}-${'a'.repeat(8192)}`],
    ['upper-case hex', valid.toUpperCase()],
    ['version ff', `ff${valid.slice(2)}`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
  ])('stores null for %s', (_name, header) => {
    expect(traceContextOf(header)).toBeNull();
  });
});
