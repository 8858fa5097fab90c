import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { oldestAgeAtReceiveSeconds } from './message-age.ts';

const sentAt = (ms: number | undefined) =>
  ({ attributes: { SentTimestamp: ms === undefined ? undefined : String(ms) } }) as unknown as Pick<
    SQSRecord,
    'attributes'
  >;

describe('oldestAgeAtReceiveSeconds', () => {
  it('reports the oldest message of the batch, in seconds since it was sent', () => {
    expect(oldestAgeAtReceiveSeconds([sentAt(9_000), sentAt(4_000), sentAt(8_500)], 10_000)).toBe(6);
  });

  it('has no figure for an empty batch or records without SentTimestamp, rather than a zero', () => {
    expect(oldestAgeAtReceiveSeconds([], 10_000)).toBeNull();
    expect(oldestAgeAtReceiveSeconds([sentAt(undefined)], 10_000)).toBeNull();
  });

  it('never reports a negative age when the sender clock is ahead', () => {
    expect(oldestAgeAtReceiveSeconds([sentAt(10_500)], 10_000)).toBe(0);
  });
});
