import { describe, expect, it } from 'vitest';
import { ParkedMessages } from './parked-messages.ts';

const at = 1_000_000;
const m = (id: string, until = at + 60_000) => ({ messageId: id, receiptHandle: `rh-${id}`, until });

describe('ParkedMessages', () => {
  it('keeps at most its limit, dropping the oldest (those then wait out their backoff)', () => {
    const parked = new ParkedMessages(2);
    for (const id of ['a', 'b', 'c']) parked.park(m(id));
    expect(parked.takeReleasable(at).map((x) => x.messageId)).toEqual(['b', 'c']);
  });

  it('releases only what is still invisible past the margin, forgets received ones, and empties itself', () => {
    const parked = new ParkedMessages();
    parked.park(m('ending', at + 500));
    parked.park(m('received-again'));
    parked.park(m('waiting'));
    parked.forget('received-again');
    expect(parked.takeReleasable(at).map((x) => x.messageId)).toEqual(['waiting']);
    expect(parked.size).toBe(0);
  });
});
