import { describe, expect, it } from 'vitest';
import { parseOutboxRecord } from './envelope.ts';
import { orderPlaced, orderPlacedWithTrace } from './fixtures/debezium-records.ts';
import {
  dmsControl,
  dmsInsert,
  dmsOrderPlaced,
  dmsOrderPlacedWithTrace,
  dmsOutboxUpdate,
} from './fixtures/dms-records.ts';
import { kinesisRecord } from './fixtures/records.ts';
import { planRecord } from './plan.ts';

describe('the router on records AWS DMS wrote (cdc=dms)', () => {
  it('reads an outbox insert as the same event Debezium delivers for that row', () => {
    const fromDms = parseOutboxRecord(dmsOrderPlaced.data);

    expect(fromDms.kind).toBe('event');
    expect(fromDms).toEqual(parseOutboxRecord(orderPlaced.data));
  });

  it('keeps the trace context when the row has one, and reads its absence (NULL left out) as null', () => {
    const traced = parseOutboxRecord(dmsOrderPlacedWithTrace.data);
    const debezium = parseOutboxRecord(orderPlacedWithTrace.data);

    expect(traced).toMatchObject({
      kind: 'event',
      event: { traceContext: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(debezium.kind === 'event' && traced.kind === 'event' && traced.event.traceContext).toBe(
      debezium.kind === 'event' && debezium.event.traceContext,
    );
  });

  it('routes a DMS insert to the consumers an OrderPlaced goes to', () => {
    const plan = planRecord(kinesisRecord(dmsOrderPlaced.data, dmsOrderPlaced.partitionKey));

    expect(plan).toMatchObject({ kind: 'deliver', targets: ['payment', 'inventory', 'notification'] });
  });

  it('acknowledges a control record or an update of an outbox row without delivering anything', () => {
    expect(parseOutboxRecord(dmsControl.data)).toMatchObject({ kind: 'skip' });
    expect(parseOutboxRecord(dmsOutboxUpdate.data)).toEqual({
      kind: 'skip',
      reason: 'DMS update of an outbox row',
    });
    expect(planRecord(kinesisRecord(dmsOutboxUpdate.data, 'k'))).toEqual({ kind: 'heartbeat' });
  });

  it('reads an offset on the timestamp and a bigint sequence sent as text', () => {
    const parsed = parseOutboxRecord(
      dmsInsert({ occurred_at: '2026-11-24 15:00:36.825595+01', sequence: '3' }),
    );

    expect(parsed).toMatchObject({
      kind: 'event',
      event: { occurredAt: '2026-11-24T15:00:36.825595+01:00', sequence: 3 },
    });
  });

  it('refuses a row of another table, and a row missing a column, naming the event when it can', () => {
    expect(parseOutboxRecord(dmsInsert({}, 'orders'))).toMatchObject({
      kind: 'invalid',
      reason: 'DMS record of public.orders, not public.outbox',
    });
    const missing = parseOutboxRecord(dmsInsert({ event_type: undefined }));
    expect(missing).toMatchObject({ kind: 'invalid', eventId: '01a20ddb-c6d4-709f-ba46-e37636ccc347' });
    expect(missing.kind === 'invalid' && missing.reason).toContain('eventType');
  });
});
