import { describe, expect, it } from 'vitest';
import { parseOutboxRecord, serializeOutboxRecord } from './envelope.ts';
import { heartbeat, orderPlaced, orderPlacedWithTrace } from './fixtures/debezium-records.ts';
import { anOrderEvent } from './fixtures/records.ts';

/** A captured Debezium record with some fields replaced (payload given as text, as Debezium writes it). */
function withFields(fields: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(orderPlaced.data), ...fields });
}

function reasonOf(data: string): string {
  const parsed = parseOutboxRecord(data);
  if (parsed.kind !== 'invalid') throw new Error(`expected invalid, got ${parsed.kind}`);
  return parsed.reason;
}

describe('parseOutboxRecord on records Debezium Server wrote', () => {
  it('reads an outbox event, expanding the payload text into an object', () => {
    const parsed = parseOutboxRecord(orderPlaced.data);

    expect(parsed).toEqual({
      kind: 'event',
      event: {
        eventId: '01a20ddb-c6d4-709f-ba46-e37636ccc347',
        eventType: 'OrderPlaced',
        aggregateType: 'order',
        aggregateId: '01a20ddb-c6d4-709f-ba46-dffb8b54f784',
        sequence: 1,
        occurredAt: '2026-11-24T14:00:36.825595Z',
        traceContext: null,
        payload: {
          orderId: '01a20ddb-c6d4-709f-ba46-dffb8b54f784',
          customerId: 'probe',
          currency: 'EUR',
          totalCents: 100,
          items: [{ sku: 'P-1', quantity: 1, unitPriceCents: 100 }],
        },
      },
    });
  });

  it('keeps the trace context when the order carried one', () => {
    const parsed = parseOutboxRecord(orderPlacedWithTrace.data);

    expect(parsed).toMatchObject({
      kind: 'event',
      event: { traceContext: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
  });

  it('recognises a heartbeat', () => {
    expect(parseOutboxRecord(heartbeat.data)).toEqual({ kind: 'heartbeat' });
  });
});

describe('serializeOutboxRecord', () => {
  it('round-trips: build, serialize, parse gives the same event', () => {
    const event = anOrderEvent({ sequence: 7, traceContext: null });

    const parsed = parseOutboxRecord(serializeOutboxRecord(event));

    expect(parsed).toEqual({ kind: 'event', event });
  });

  it('writes the fields Debezium writes, in the same order, with the payload as text', () => {
    const captured = JSON.parse(orderPlaced.data) as Record<string, unknown>;
    const parsed = parseOutboxRecord(orderPlaced.data);
    if (parsed.kind !== 'event') throw new Error('fixture did not parse');

    const written = JSON.parse(serializeOutboxRecord(parsed.event)) as Record<string, unknown>;

    expect(Object.keys(written)).toEqual(Object.keys(captured));
    expect(typeof written.payload).toBe('string');
    expect(JSON.parse(written.payload as string)).toEqual(JSON.parse(captured.payload as string));
  });
});

describe('parseOutboxRecord on data it cannot use', () => {
  it('rejects data that is not JSON', () => {
    expect(reasonOf('{"eventId":')).toBe('data is not JSON');
  });

  it.each([
    ['an empty string', ''],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"OrderPlaced"'],
    ['an array', '[]'],
    ['an empty object', '{}'],
  ])('never throws, and calls %s invalid', (_, data) => {
    expect(parseOutboxRecord(data).kind).toBe('invalid');
  });

  it('does not take a record without eventId for a heartbeat unless it is exactly {"ts_ms":…}', () => {
    expect(parseOutboxRecord('{"ts_ms":1795528836725,"op":"c"}').kind).toBe('invalid');
    expect(parseOutboxRecord('{"ts_ms":"yesterday"}').kind).toBe('invalid');
    expect(reasonOf(withFields({ eventId: undefined }))).toMatch(/^eventId: /);
  });

  it('rejects an eventId that is not a UUID, naming the field', () => {
    expect(reasonOf(withFields({ eventId: 'evt-1' }))).toMatch(/^eventId: /);
  });

  it.each([0, -1, 1.5, '1', null])('rejects sequence %j: it must be a positive integer', (sequence) => {
    expect(reasonOf(withFields({ sequence }))).toMatch(/^sequence: /);
  });

  it('rejects a payload that is not JSON text', () => {
    expect(reasonOf(withFields({ payload: '{"orderId": ' }))).toBe('payload: is not JSON text');
  });

  it.each([
    ['a JSON array', '[1,2]'],
    ['a JSON number', '42'],
  ])('rejects a payload that is %s rather than an object', (_, payload) => {
    expect(reasonOf(withFields({ payload }))).toMatch(/^payload: /);
  });

  it('rejects a payload given as an object: the configured envelope carries it as text', () => {
    expect(reasonOf(withFields({ payload: { orderId: 'o-1' } }))).toMatch(/^payload: /);
  });

  it('rejects an aggregateId SQS would refuse as a FIFO group id', () => {
    expect(reasonOf(withFields({ aggregateId: 'order 1' }))).toMatch(/^aggregateId: /);
    expect(reasonOf(withFields({ aggregateId: 'x'.repeat(129) }))).toMatch(/^aggregateId: /);
  });

  it('rejects an occurredAt that is not an ISO timestamp with offset', () => {
    expect(reasonOf(withFields({ occurredAt: '2026-11-24 14:00:36' }))).toMatch(/^occurredAt: /);
  });

  it('names the eventId of an invalid record when it can read one', () => {
    const parsed = parseOutboxRecord(withFields({ sequence: 0 }));

    expect(parsed).toMatchObject({ kind: 'invalid', eventId: '01a20ddb-c6d4-709f-ba46-e37636ccc347' });
  });

  it('lists several problems in one reason, capped', () => {
    const reason = reasonOf('{"eventId":1}');

    expect(reason.split('; ').length).toBeLessThanOrEqual(6);
    expect(reason).toMatch(/…\d+ more$/);
  });
});
