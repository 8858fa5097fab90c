/** One event as a consumer saw it, in the order it saw them (per shard, or per queue). */
export interface SeenEvent {
  orderId: string;
  /** The order's version after this event (1, 2, …). */
  sequence: number;
}

/**
 * Per-order order violations: an event whose sequence is not above the last one seen for its order (a later
 * event overtook it, or it came twice). Events must be passed in the order the consumer saw them.
 */
export function orderViolations(seen: Iterable<SeenEvent>): number {
  const last = new Map<string, number>();
  let violations = 0;
  for (const event of seen) {
    const before = last.get(event.orderId) ?? 0;
    if (event.sequence <= before) violations += 1;
    else last.set(event.orderId, event.sequence);
  }
  return violations;
}

/** Kinesis sequence numbers are decimal strings up to 56 digits: compare them as integers. */
export function bySequenceNumber(a: { sequenceNumber: string }, b: { sequenceNumber: string }): number {
  const x = BigInt(a.sequenceNumber);
  const y = BigInt(b.sequenceNumber);
  return x < y ? -1 : x > y ? 1 : 0;
}
