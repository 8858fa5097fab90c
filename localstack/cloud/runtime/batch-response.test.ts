import { describe, expect, it } from 'vitest';
import { readBatchResponse, sqsMessagesToDelete } from './batch-response.ts';

const ids = ['m1', 'm2', 'm3'];

describe('readBatchResponse', () => {
  it('treats null, an empty object and an empty or null list as complete success', () => {
    for (const payload of [null, undefined, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(readBatchResponse(payload, ids)).toEqual({ kind: 'all-succeeded' });
    }
  });

  it('fails the whole batch for an empty, null or unknown itemIdentifier', () => {
    for (const failures of [
      [{ itemIdentifier: '' }],
      [{ itemIdentifier: null }],
      [{ itemIdentifier: 'mX' }],
      [{ id: 'm1' }],
    ]) {
      expect(readBatchResponse({ batchItemFailures: failures }, ids).kind).toBe('all-failed');
    }
  });

  it('fails the whole batch for a response that is not an object or a list that is not a list', () => {
    expect(readBatchResponse('done', ids).kind).toBe('all-failed');
    expect(readBatchResponse({ batchItemFailures: 'm1' }, ids).kind).toBe('all-failed');
  });

  it('lists each reported id once', () => {
    const payload = {
      batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }],
    };
    expect(readBatchResponse(payload, ids)).toEqual({ kind: 'partial', failed: ['m2', 'm3'] });
  });
});

describe('sqsMessagesToDelete', () => {
  it('deletes everything after a success and nothing after a function error', () => {
    expect(sqsMessagesToDelete(ids, { ok: true, payload: null }, false)).toEqual(ids);
    expect(sqsMessagesToDelete(ids, { ok: false }, true)).toEqual([]);
  });

  it('ignores batchItemFailures when the mapping does not ask for them', () => {
    expect(
      sqsMessagesToDelete(
        ids,
        { ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'm1' }] } },
        false,
      ),
    ).toEqual(ids);
  });

  it('deletes every message not reported as failed', () => {
    const payload = { batchItemFailures: [{ itemIdentifier: 'm2' }] };
    expect(sqsMessagesToDelete(ids, { ok: true, payload }, true)).toEqual(['m1', 'm3']);
  });

  it('deletes nothing when one identifier is invalid, even if others are valid', () => {
    const payload = { batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: '' }] };
    expect(sqsMessagesToDelete(ids, { ok: true, payload }, true)).toEqual([]);
  });
});
