import { orderPaymentRequested } from '../orders/order-events.ts';
import { routes } from '../router/routing.ts';
import type { ConsumerName } from './dedupe.ts';

/**
 * Metric (namespace `Holdline`, dimension `Consumer`) counting skipped and out-of-order sequences; the template
 * alarms on any non-zero value (cdk/lib/constructs/sequence-anomaly-alarm.ts).
 */
export const SEQUENCE_ANOMALIES_METRIC = 'SequenceAnomalies';

/**
 * What a consumer makes of an event's `sequence` (the order's version after the change) given the last sequence
 * it applied for that order. No AWS here; sequence-guard.ts records and reports.
 *
 * - `in-order`: the next one, or the first seen for the order (nothing recorded: a new order, or the record
 *   expired with the idempotency window).
 * - `skipped`: ahead of the next one: an earlier event of this order did not reach the consumer (still retrying,
 *   quarantined, or lost). Only judged by a consumer the router sends every event type to; one that only
 *   receives some types (payment and inventory get `OrderPlaced` only) sees gaps by design.
 * - `out-of-order`: at or behind the last one applied: an older event after a newer one (a DLQ replay after its
 *   order moved on, or a broken per-key order upstream), or a second event claiming the same version.
 */
export type SequenceVerdict =
  | { kind: 'in-order' }
  | { kind: 'skipped' | 'out-of-order'; lastSequence: number; sequence: number };

export function judgeSequence(
  lastSequence: number | undefined,
  sequence: number,
  checksGaps: boolean,
): SequenceVerdict {
  if (lastSequence === undefined) return { kind: 'in-order' };
  // Equal is not out of order: the reconciler's OrderPaymentRequested repeats the order's version on purpose.
  if (sequence < lastSequence) return { kind: 'out-of-order', lastSequence, sequence };
  if (checksGaps && sequence > lastSequence + 1) return { kind: 'skipped', lastSequence, sequence };
  return { kind: 'in-order' };
}

/** True when the router sends `consumer` every event type, so a gap in its sequences means a missing event. */
export function receivesEveryEventType(consumer: ConsumerName): boolean {
  // OrderPaymentRequested repeats the order's version without advancing it: missing it leaves no gap.
  return [...routes]
    .filter(([eventType]) => eventType !== orderPaymentRequested)
    .every(([, targets]) => targets.includes(consumer));
}
