import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { apiClient, undefinedOnHttpError } from './api-client.ts';
import { ApiError } from './errors.ts';

const order = {
  id: 'o-1',
  customerId: 'c-1',
  status: 'pending',
  currency: 'USD',
  totalCents: 100,
  items: [{ sku: 'A-1', quantity: 1, unitPriceCents: 100 }],
  version: 1,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
};
const newOrder = { currency: 'USD', items: [{ sku: 'A-1', quantity: 1, unitPriceCents: 100 }] };

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A stand-in API on a free port; `answer` sees each request with its body. */
async function stubApi(answer: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => answer(req, body, res));
  });
  await new Promise<void>((ready) => server!.listen(0, '127.0.0.1', ready));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('order API client', () => {
  it('places with the idempotency key and a signed token, and tells a replay (200) from a new order (201)', async () => {
    const seen: Array<{ key: string | undefined; auth: string | undefined; body: unknown }> = [];
    const url = await stubApi((req, body, res) => {
      seen.push({
        key: req.headers['idempotency-key'] as string | undefined,
        auth: req.headers.authorization,
        body: JSON.parse(body),
      });
      res.writeHead(seen.length === 1 ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(order));
    });
    const client = apiClient(url, 'c-1');
    const first = await client.place(newOrder, { idempotencyKey: 'k-1' });
    const again = await client.place(newOrder, { idempotencyKey: 'k-1' });
    expect(first).toEqual({ order, replayed: false });
    expect(again.replayed).toBe(true);
    expect(seen[0]).toMatchObject({ key: 'k-1', body: newOrder });
    expect(seen[0]?.auth).toMatch(/^Bearer \S+$/);
  });

  it('throws an ApiError with the status and the body for anything but a 2xx', async () => {
    const url = await stubApi((_req, _body, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"order_not_found"}}');
    });
    const error = await apiClient(url, 'c-1')
      .get('o-2')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      request: 'GET /orders/o-2',
      status: 404,
      body: '{"error":{"code":"order_not_found"}}',
    });
    expect(undefinedOnHttpError(error)).toBeUndefined();
  });

  it('reports no answer within the timeout as status 0, which a poll does not swallow', async () => {
    const url = await stubApi(() => {});
    const error = await apiClient(url, 'c-1', { timeoutMs: 50 })
      .list()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ApiError', status: 0, body: '' });
    expect(() => undefinedOnHttpError(error)).toThrow(ApiError);
    server?.closeAllConnections();
  });
});
