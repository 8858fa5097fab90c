import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../localstack/stand-ins/payment-gateway/server.ts';
import type { SideEffectEntry } from '../../localstack/stand-ins/side-effects/server.ts';
import { effects } from './effects.ts';
import { lostEvents, relayPassed } from './report.ts';

const placed = { event_id: 'e1', aggregate_id: 'o1', event_type: 'OrderPlaced' };
const confirmed = { event_id: 'e2', aggregate_id: 'o1', event_type: 'OrderConfirmed' };
const charge = (result: LogEntry['result']): LogEntry => ({ at: '', idempotencyKey: 'o1', result });
const side = (service: 'inventory' | 'notification', eventId: string): SideEffectEntry => ({
  at: '',
  service,
  eventId,
  orderId: 'o1',
  result: 'created',
});

describe('effects', () => {
  it('counts one effect per routed consumer: a charge, a reservation, a message each', () => {
    const logs = {
      charges: [charge('created'), charge('replayed')],
      sideEffects: [side('inventory', 'e1'), side('notification', 'e1'), side('notification', 'e2')],
    };
    expect(effects(logs, [placed, confirmed])).toEqual({ missing: [], duplicates: [], effectCount: 4 });
  });

  it('names a consumer with no effect, and one with two', () => {
    const logs = {
      charges: [charge('created'), charge('created')],
      sideEffects: [side('notification', 'e1')],
    };
    const out = effects(logs, [placed]);
    expect(out.missing).toEqual([{ eventId: 'e1', consumer: 'inventory' }]);
    expect(out.duplicates).toEqual([{ eventId: 'e1', consumer: 'payment', effects: 2 }]);
  });
});

describe('relay-crash verdict', () => {
  it('counts an event that never reached the stream as lost', () => {
    expect(lostEvents(1, ['e1', 'e2'], new Map([['e1', 2]]))).toBe(2);
  });

  it('needs duplicates to have happened, and none of them to become an effect', () => {
    const ok = { deliveredDuplicates: 3, duplicateEffects: 0, lost: 0 };
    expect(relayPassed(ok, true)).toBe(true);
    expect(relayPassed({ ...ok, deliveredDuplicates: 0 }, true)).toBe(false);
    expect(relayPassed({ ...ok, duplicateEffects: 1 }, true)).toBe(false);
    expect(relayPassed({ ...ok, lost: 1 }, true)).toBe(false);
    expect(relayPassed(ok, false)).toBe(false);
  });
});
