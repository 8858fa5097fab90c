import { describe, expect, it } from 'vitest';
import { afterFailure, failedFrom, retryDelayMs, splitExpired, type Work } from './kinesis-batch.ts';

const work = (records: string[], retries = 0): Work<string> => ({ records, retries, invokes: 1 });
const seqs = ['100', '200', '300', '400'];

describe('failedFrom', () => {
  it('is undefined on success and 0 on a function error', () => {
    expect(failedFrom(seqs, { ok: true, payload: null }, true)).toBeUndefined();
    expect(failedFrom(seqs, { ok: false }, true)).toBe(0);
  });

  it('points at the LOWEST reported sequence number, compared as numbers', () => {
    const payload = { batchItemFailures: [{ itemIdentifier: '400' }, { itemIdentifier: '300' }] };
    expect(failedFrom(seqs, { ok: true, payload }, true)).toBe(2);
    const big = ['9', '10', '11'];
    expect(
      failedFrom(
        big,
        { ok: true, payload: { batchItemFailures: [{ itemIdentifier: '11' }, { itemIdentifier: '10' }] } },
        true,
      ),
    ).toBe(1);
  });

  it('fails the whole batch when an identifier is not in it', () => {
    expect(
      failedFrom(seqs, { ok: true, payload: { batchItemFailures: [{ itemIdentifier: '999' }] } }, true),
    ).toBe(0);
  });
});

describe('afterFailure', () => {
  it('retries the whole batch, consuming a retry, when bisect is off', () => {
    expect(afterFailure(work(seqs), 0, { bisect: false, maxRetries: 2 })).toEqual({
      completed: [],
      next: [{ records: seqs, retries: 1, invokes: 1 }],
    });
  });

  it('discards the batch once retries are exhausted', () => {
    expect(afterFailure(work(seqs, 2), 0, { bisect: false, maxRetries: 2 })).toEqual({
      completed: [],
      next: [],
      discarded: { records: seqs, retries: 2, invokes: 1 },
    });
  });

  it('retries forever with MaximumRetryAttempts -1', () => {
    expect(afterFailure(work(seqs, 500), 0, { bisect: false, maxRetries: -1 }).next).toHaveLength(1);
  });

  it('splits a failed batch in halves without consuming a retry when bisect is on', () => {
    expect(afterFailure(work(['1', '2', '3']), 0, { bisect: true, maxRetries: 0 }).next).toEqual([
      { records: ['1', '2'], retries: 0, invokes: 1 },
      { records: ['3'], retries: 0, invokes: 1 },
    ]);
  });

  it('does not split a single record: it is retried, then discarded', () => {
    expect(afterFailure(work(['3']), 0, { bisect: true, maxRetries: 1 }).next).toEqual([
      { records: ['3'], retries: 1, invokes: 1 },
    ]);
    expect(afterFailure(work(['3'], 1), 0, { bisect: true, maxRetries: 1 }).discarded?.records).toEqual([
      '3',
    ]);
  });

  it('checkpoints before a reported failure and retries from it, consuming a retry without bisect', () => {
    expect(afterFailure(work(seqs), 2, { bisect: false, maxRetries: 3 })).toEqual({
      completed: ['100', '200'],
      next: [{ records: ['300', '400'], retries: 1, invokes: 1 }],
    });
  });

  it('with bisect, splits at the reported failure without consuming a retry', () => {
    expect(afterFailure(work(seqs, 1), 1, { bisect: true, maxRetries: 1 })).toEqual({
      completed: ['100'],
      next: [{ records: ['200', '300', '400'], retries: 1, invokes: 1 }],
    });
  });
});

describe('splitExpired', () => {
  const arrival = (r: { at: number }) => r.at;
  it('splits off the records older than the maximum age, which lead the shard', () => {
    const records = [{ at: 0 }, { at: 5_000 }, { at: 9_000 }];
    expect(splitExpired(records, 3, 10_000, arrival)).toEqual({
      expired: [{ at: 0 }, { at: 5_000 }],
      fresh: [{ at: 9_000 }],
    });
    expect(splitExpired(records, -1, 10_000, arrival).expired).toEqual([]);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 100 ms and stops at 5 s', () => {
    expect([1, 2, 3, 10].map(retryDelayMs)).toEqual([100, 200, 400, 5000]);
  });
});
