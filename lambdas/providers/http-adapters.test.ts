import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EffectRejectedError, EffectUnavailableError } from '../consumers/effect-client.ts';
import { isPermanent } from '../consumers/failure-policy.ts';
import { isDependencyUnavailable } from '../shared/dependency-failure.ts';
import { httpMail } from './mail-provider.ts';
import { httpPaymentProvider } from './payment-provider.ts';
import { answer, STUB_PREFIXES } from './stub/answer.ts';
import { httpWarehouse } from './warehouse-provider.ts';

// The stub's answers served over real HTTP on a free port, plus paths that answer a fixed status: the adapters the
// consumers use must agree with the stub on the contract, and class a provider's refusals as the policy expects.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stub');
    const fixed = /^\/status\/(\d{3})\//.exec(url.pathname);
    const result = fixed
      ? { status: Number(fixed[1]), body: { error: 'fixed' } }
      : answer({
          method: req.method ?? 'GET',
          path: url.pathname,
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
          body: Buffer.concat(chunks).toString('utf8'),
        });
    res.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the HTTP provider adapters against the stub providers', () => {
  it('charges once per order id and finds no record on a look-up', async () => {
    const gateway = httpPaymentProvider(base + STUB_PREFIXES.paymentGatewayUrl);
    const first = await gateway.charge({ orderId: 'o-1', amountCents: 500, currency: 'USD' });
    const again = await gateway.charge({ orderId: 'o-1', amountCents: 500, currency: 'USD' });

    expect(first.status).toBe('succeeded');
    expect(again.chargeId).toBe(first.chargeId);
    expect(await gateway.lookUp('o-1')).toEqual({ found: false });
  });

  it('reserves stock and sends mail through the same contract', async () => {
    await expect(
      httpWarehouse(base + STUB_PREFIXES.inventoryServiceUrl).reserve(
        { orderId: 'o-1', eventId: 'e-1', items: [] },
        'reservation:o-1',
      ),
    ).resolves.toBeUndefined();
    await expect(
      httpMail(base + STUB_PREFIXES.notificationServiceUrl).send({
        orderId: 'o-1',
        eventId: 'e-1',
        eventType: 'OrderPlaced',
        subject: 'We received your order',
      }),
    ).resolves.toBeUndefined();
  });

  it.each([500, 503, 408, 429])(
    'treats HTTP %i from a provider as the provider being unavailable',
    async (status) => {
      const error = await httpMail(`${base}/status/${status}`)
        .send({ orderId: 'o', eventId: 'e', eventType: 't', subject: 's' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(EffectUnavailableError);
      expect(isDependencyUnavailable(error)).toBe(true);
      expect(isPermanent(error)).toBe(false);
    },
  );

  it.each([400, 404, 422])(
    'treats HTTP %i as a permanent refusal of the message, not an outage',
    async (status) => {
      const error = await httpWarehouse(`${base}/status/${status}`)
        .reserve({ orderId: 'o', eventId: 'e', items: [] }, 'k')
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(EffectRejectedError);
      expect(isPermanent(error)).toBe(true);
      expect(isDependencyUnavailable(error)).toBe(false);
    },
  );

  it('treats an unreachable provider as unavailable', async () => {
    const error = await httpMail('http://127.0.0.1:1')
      .send({ orderId: 'o', eventId: 'e', eventType: 't', subject: 's' })
      .catch((e: unknown) => e);

    expect(isDependencyUnavailable(error)).toBe(true);
  });
});
