import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { iso4217Codes } from '../orders/currency.ts';
import { limits, orderTotalCents, placeOrderSchema } from '../orders/order.ts';
import { orderPlacedEvent } from '../orders/order-events.ts';
import { traceContextOf } from '../shared/trace-context.ts';
import { serializeOutboxRecord } from './envelope.ts';
import { kinesisRecord } from './fixtures/records.ts';
import { planRecord } from './plan.ts';

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const w3cTraceparent = fc
  .tuple(hex(32), hex(16), fc.constantFrom('00', '01'))
  .map(([trace, parent, flags]) => `00-${trace}-${parent}-${flags}`);

/** Every `traceparent` header a client can send, from absent to 8 KB of anything. */
const traceparentHeader = fc.option(
  fc.oneof(w3cTraceparent, fc.constant(''), fc.string({ unit: 'grapheme' }), fc.string({ maxLength: 9000 })),
  { nil: undefined },
);

const orderItem = fc.record({
  sku: fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,63}$/),
  quantity: fc.integer({ min: 1, max: limits.maxQuantity }),
  unitPriceCents: fc.integer({ min: 1, max: limits.maxUnitPriceCents }),
});

/** Every body `POST /orders` accepts, with the token's customer id (any text the schema lets through). */
const placeOrderRequest = fc
  .record({
    customerId: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 128 }),
    currency: fc.constantFrom(...iso4217Codes),
    items: fc.array(orderItem, { minLength: 1, maxLength: limits.maxItems }),
  })
  .filter((request) => placeOrderSchema.safeParse(request).success);

const commitTime = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

describe('planRecord on what the API writes', () => {
  it('accepts every outbox row the API can write, whatever traceparent the client sent', () => {
    fc.assert(
      fc.property(placeOrderRequest, traceparentHeader, commitTime, (request, header, occurredAt) => {
        const id = uuidv7();
        const event = orderPlacedEvent(
          { ...request, id, totalCents: orderTotalCents(request.items), version: 1 },
          traceContextOf(header),
        );
        const data = serializeOutboxRecord({ ...event, occurredAt });

        const plan = planRecord(kinesisRecord(data, event.aggregateId));

        expect(plan).toMatchObject({ kind: 'deliver', event: { eventId: event.eventId } });
      }),
      { numRuns: 200 },
    );
  });
});
