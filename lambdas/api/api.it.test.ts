import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { adminQuery, countRows } from '../test/db.ts';
import { httpEvent } from '../test/http-event.ts';
import { handler } from './handler.ts';
import { maxBodyBytes } from './request.ts';

const me = { customerId: 'c-api', role: 'customer' as const };
const order = {
  customerId: 'c-api',
  currency: 'USD',
  items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }],
};
const call = (event: ReturnType<typeof httpEvent>) => handler(event, {} as Context);
/** A request from `me` (the authorizer's context), unless the test gives another identity. */
const as = (routeKey: string, init: Parameters<typeof httpEvent>[1] = {}) =>
  httpEvent(routeKey, { identity: me, ...init });
const body = (response: { body?: string }) => JSON.parse(response.body ?? '{}');

describe('POST /orders', () => {
  it('writes the order and its OrderPlaced outbox row in one go', async () => {
    const response = await call(as('POST /orders', { body: JSON.stringify(order) }));
    expect(response.statusCode).toBe(201);
    const placed = body(response);
    expect(placed).toMatchObject({ status: 'pending', totalCents: 2500, version: 1 });
    const events = await adminQuery(
      'SELECT event_type, sequence, payload FROM outbox WHERE aggregate_id = $1',
      [placed.id],
    );
    expect(events).toEqual([
      {
        event_type: 'OrderPlaced',
        sequence: 1,
        payload: expect.objectContaining({ orderId: placed.id, totalCents: 2500 }),
      },
    ]);
  });

  it.each([
    ['an empty traceparent', '', null],
    ['an 8 KB traceparent', 'x'.repeat(8192), null],
    [
      'a W3C traceparent',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ],
  ])('stores %s on the outbox row only when it is W3C', async (_name, traceparent, stored) => {
    const response = await call(
      as('POST /orders', { body: JSON.stringify(order), headers: { traceparent } }),
    );
    expect(response.statusCode).toBe(201);
    const [row] = await adminQuery('SELECT trace_context FROM outbox WHERE aggregate_id = $1', [
      body(response).id,
    ]);
    expect(row).toEqual({ trace_context: stored });
  });

  it('returns the first order for a retried request with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': `retry-${Date.now()}` };
    const first = await call(as('POST /orders', { body: JSON.stringify(order), headers }));
    const before = await countRows();
    const again = await call(as('POST /orders', { body: JSON.stringify(order), headers }));
    expect(again.statusCode).toBe(200);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(body(again).id).toBe(body(first).id);
    expect(await countRows()).toEqual(before);
  });

  it('makes one order from concurrent requests sharing a key', async () => {
    const headers = { 'idempotency-key': `race-${Date.now()}` };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => call(as('POST /orders', { body: JSON.stringify(order), headers }))),
    );
    expect(new Set(responses.map((r) => body(r).id)).size).toBe(1);
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
  });

  it('refuses a reused key with a different body and writes nothing', async () => {
    const headers = { 'idempotency-key': `reuse-${Date.now()}` };
    await call(as('POST /orders', { body: JSON.stringify(order), headers }));
    const before = await countRows();
    const changed = { ...order, currency: 'EUR' };
    const response = await call(as('POST /orders', { body: JSON.stringify(changed), headers }));
    expect(response.statusCode).toBe(422);
    expect(body(response).error.code).toBe('idempotency_key_reused');
    expect(await countRows()).toEqual(before);
  });

  it.each([
    ['malformed JSON', { body: '{"customerId":' }, 400, 'malformed_json'],
    [
      'a missing field',
      { body: JSON.stringify({ customerId: 'c-api', items: order.items }) },
      400,
      'invalid_request',
    ],
    ['an extra field', { body: JSON.stringify({ ...order, admin: true }) }, 400, 'invalid_request'],
    [
      'a negative amount',
      { body: JSON.stringify({ ...order, items: [{ sku: 'A', quantity: 1, unitPriceCents: -5 }] }) },
      400,
      'invalid_request',
    ],
    [
      'an absurd amount',
      {
        body: JSON.stringify({ ...order, items: [{ sku: 'A', quantity: 1000, unitPriceCents: 10_000_000 }] }),
      },
      400,
      'invalid_request',
    ],
    ['empty items', { body: JSON.stringify({ ...order, items: [] }) }, 400, 'invalid_request'],
    [
      'an oversize body',
      { body: JSON.stringify({ ...order, pad: 'x'.repeat(maxBodyBytes) }) },
      413,
      'body_too_large',
    ],
    [
      'a wrong content type',
      { body: JSON.stringify(order), headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
    [
      'a bad idempotency key',
      { body: JSON.stringify(order), headers: { 'idempotency-key': 'has space' } },
      400,
      'invalid_idempotency_key',
    ],
    ['no body', {}, 400, 'malformed_json'],
  ])('rejects %s with a reason and writes nothing', async (_name, init, status, code) => {
    const before = await countRows();
    const response = await call(as('POST /orders', init));
    expect(response.statusCode).toBe(status);
    expect(body(response).error.code).toBe(code);
    expect(await countRows()).toEqual(before);
  });
});

describe('GET /orders/{id}', () => {
  it('returns a placed order', async () => {
    const placed = body(await call(as('POST /orders', { body: JSON.stringify(order) })));
    const response = await call(as('GET /orders/{id}', { pathParameters: { id: placed.id } }));
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual(placed);
  });

  it('answers 400 for an id that is not a UUID and 404 for an unknown one', async () => {
    const bad = await call(as('GET /orders/{id}', { pathParameters: { id: '42' } }));
    expect([bad.statusCode, body(bad).error.code]).toEqual([400, 'invalid_id']);
    const missing = await call(
      as('GET /orders/{id}', { pathParameters: { id: '00000000-0000-7000-8000-000000000000' } }),
    );
    expect([missing.statusCode, body(missing).error.code]).toEqual([404, 'order_not_found']);
  });
});

describe('identity', () => {
  const other = { customerId: 'c-someone-else', role: 'customer' as const };

  it('takes the customer from the token, so an order without customerId belongs to the caller', async () => {
    const { customerId: _c, ...withoutCustomer } = order;
    const response = await call(as('POST /orders', { body: JSON.stringify(withoutCustomer) }));
    expect(response.statusCode).toBe(201);
    expect(body(response).customerId).toBe(me.customerId);
  });

  it('refuses an order whose body names another customer, and writes nothing', async () => {
    const before = await countRows();
    const response = await call(
      as('POST /orders', { body: JSON.stringify({ ...order, customerId: other.customerId }) }),
    );
    expect([response.statusCode, body(response).error.code]).toEqual([403, 'customer_mismatch']);
    expect(await countRows()).toEqual(before);
  });

  it("answers 404 for another customer's order, exactly as for a missing one", async () => {
    const placed = body(await call(as('POST /orders', { body: JSON.stringify(order) })));
    const response = await call(
      httpEvent('GET /orders/{id}', { pathParameters: { id: placed.id }, identity: other }),
    );
    expect([response.statusCode, body(response).error.code]).toEqual([404, 'order_not_found']);
  });

  it('answers 401 when the request carries no authorizer context', async () => {
    const response = await call(httpEvent('POST /orders', { body: JSON.stringify(order) }));
    expect(response.statusCode).toBe(401);
  });
});
