import { describe, expect, it } from 'vitest';
import {
  applyChange,
  emptyJoinedState,
  heldShipments,
  joinedView,
} from '../../lambdas/joined-view/joined-view.ts';
import {
  crossTableOutcome,
  hostileDelivery,
  seededRandom,
  sourceHistory,
  unbufferedModel,
} from './hostile-delivery.ts';

const hostile = { maxLag: 40, duplicateRate: 0.2 };

describe('the joined read model under hostile delivery', () => {
  it.each([1, 2, 3, 4, 5])(
    'converges, never shows an impossible state and is replay-safe (seed %i)',
    (seed) => {
      const random = seededRandom(seed);
      const history = sourceHistory(60, random);
      const delivered = hostileDelivery(history, random, hostile);
      const second = hostileDelivery(history, random, hostile);

      const outcome = crossTableOutcome(history, delivered, second);

      expect(outcome.reorderedPairs).toBeGreaterThan(0);
      expect(outcome.events).toBeGreaterThan(history.length);
      expect(outcome).toMatchObject({ finalDiffs: 0, impossibleStatesSeen: 0, replayDiffs: 0 });
    },
  );

  it('holds a shipment that arrives before its order reached the version it was made for', () => {
    const shipment = {
      table: 'shipments' as const,
      row: { id: 's-1', orderId: 'o-1', status: 'packed', version: 1, orderVersion: 2 },
    };
    const pending = { table: 'orders' as const, row: { id: 'o-1', status: 'pending', version: 1 } };
    const confirmed = { table: 'orders' as const, row: { id: 'o-1', status: 'confirmed', version: 2 } };

    const early = [shipment, pending].reduce(applyChange, emptyJoinedState);
    expect(joinedView(early)).toEqual([{ orderId: 'o-1', status: 'pending', version: 1, shipments: [] }]);
    expect(heldShipments(early)).toBe(1);

    const caughtUp = applyChange(early, confirmed);
    expect(joinedView(caughtUp)[0]?.shipments).toEqual([{ id: 's-1', status: 'packed', version: 1 }]);
  });

  it('ignores a duplicate or older change of a row', () => {
    const v2 = { table: 'orders' as const, row: { id: 'o-1', status: 'confirmed', version: 2 } };
    const v1 = { table: 'orders' as const, row: { id: 'o-1', status: 'pending', version: 1 } };
    const state = applyChange(emptyJoinedState, v2);

    expect(applyChange(state, v1)).toBe(state);
    expect(applyChange(state, v2)).toBe(state);
  });

  it('catches a read model that shows a shipment beside an older order (the check can fail)', () => {
    const random = seededRandom(7);
    const history = sourceHistory(40, random);
    const delivered = hostileDelivery(history, random, hostile);
    const outcome = crossTableOutcome(history, delivered, delivered, unbufferedModel);

    expect(outcome.impossibleStatesSeen).toBeGreaterThan(0);
  });
});
