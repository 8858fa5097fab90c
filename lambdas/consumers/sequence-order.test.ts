import { describe, expect, it } from 'vitest';
import { judgeSequence, receivesEveryEventType } from './sequence-order.ts';

describe('judging an event sequence against the last one applied', () => {
  it('takes the next sequence, and the first one seen for an order, as in order', () => {
    expect(judgeSequence(undefined, 1, true)).toEqual({ kind: 'in-order' });
    expect(judgeSequence(undefined, 3, true)).toEqual({ kind: 'in-order' });
    expect(judgeSequence(2, 3, true)).toEqual({ kind: 'in-order' });
  });

  it('names a gap, with both sequences, when the consumer receives every event type', () => {
    expect(judgeSequence(1, 3, true)).toEqual({ kind: 'skipped', lastSequence: 1, sequence: 3 });
  });

  it('does not take a gap as an anomaly for a consumer that only receives some event types', () => {
    expect(judgeSequence(1, 3, false)).toEqual({ kind: 'in-order' });
  });

  it('names an older or repeated sequence out of order, with both sequences', () => {
    expect(judgeSequence(3, 2, false)).toEqual({ kind: 'out-of-order', lastSequence: 3, sequence: 2 });
    expect(judgeSequence(3, 3, true)).toEqual({ kind: 'in-order' }); // a repeat at the same version (re-drive)
  });

  it('checks gaps only where the routing table sends every event type', () => {
    expect(receivesEveryEventType('notification')).toBe(true);
    expect(receivesEveryEventType('payment')).toBe(false);
    expect(receivesEveryEventType('inventory')).toBe(false);
  });
});
