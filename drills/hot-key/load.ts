import { randomUUID } from 'node:crypto';
import type { OrderEventMessage } from '../../lambdas/shared/order-event-message.ts';

/** The open-loop workload: one whale and many small customers, each order a short run of events. */
export interface LoadShape {
  /** Records (events) per second the whale alone makes. */
  whaleRecordsPerSecond: number;
  /** Records per second all the small customers make together. */
  othersRecordsPerSecond: number;
  /** How many small customers share `othersRecordsPerSecond`. */
  otherCustomers: number;
  seconds: number;
}

export const whaleId = 'customer-whale';

/** An order's life as the outbox records it: each event is the order's next version (`sequence`). */
export const orderLifecycle = ['OrderPlaced', 'OrderPaymentRequested', 'OrderConfirmed'] as const;

/** One outbox-shaped event and when the load meant it to be published (open loop: the schedule, not the send). */
export interface LoadEvent {
  message: OrderEventMessage;
  customerId: string;
  dueAt: number;
}

/** Events per tick, tick by tick, from `startMs`; a fractional rate carries over so the totals are exact. */
export function schedule(shape: LoadShape, startMs: number, tickMs = 10): LoadEvent[][] {
  const ticks = Math.round((shape.seconds * 1000) / tickMs);
  const perTick = (recordsPerSecond: number) => (recordsPerSecond * tickMs) / 1000 / orderLifecycle.length;
  const whaleOrders = perTick(shape.whaleRecordsPerSecond);
  const otherOrders = perTick(shape.othersRecordsPerSecond);
  let whaleCarry = 0;
  let otherCarry = 0;
  let nextOther = 0;
  const out: LoadEvent[][] = [];
  for (let t = 0; t < ticks; t++) {
    const dueAt = startMs + t * tickMs;
    const events: LoadEvent[] = [];
    whaleCarry += whaleOrders;
    otherCarry += otherOrders;
    for (; whaleCarry >= 1; whaleCarry -= 1) events.push(...orderEvents(whaleId, dueAt));
    for (; otherCarry >= 1; otherCarry -= 1) {
      events.push(...orderEvents(`customer-${nextOther % shape.otherCustomers}`, dueAt));
      nextOther += 1;
    }
    out.push(events);
  }
  return out;
}

function orderEvents(customerId: string, dueAt: number): LoadEvent[] {
  const orderId = randomUUID();
  return orderLifecycle.map((eventType, i) => ({
    customerId,
    dueAt,
    message: {
      eventId: randomUUID(),
      eventType,
      aggregateType: 'order',
      aggregateId: orderId,
      sequence: i + 1,
      occurredAt: new Date(dueAt).toISOString(),
      traceContext: null,
      payload: { customerId, totalCents: 1000 + (i % 7), currency: 'EUR' },
    },
  }));
}
