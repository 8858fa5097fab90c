import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logExcerptChars } from '../../shared/log-excerpt.ts';
import { ChargeRejectedError, GatewayProtocolError } from '../errors.ts';
import { chargeOrder, readCharge } from './charge-client.ts';

describe('readCharge', () => {
  it('reads a succeeded or declined charge', () => {
    expect(readCharge('o1', '{"chargeId":"ch_1","status":"succeeded"}')).toEqual({
      chargeId: 'ch_1',
      status: 'succeeded',
    });
    expect(readCharge('o1', '{"chargeId":"ch_2","status":"declined","extra":1}').status).toBe('declined');
  });

  it.each([
    ['a body that is not JSON', '<html>502 Bad Gateway</html>'],
    ['an unknown status', '{"chargeId":"ch_1","status":"processing"}'],
    ['no charge id', '{"status":"succeeded"}'],
  ])('refuses %s as a protocol error (the order stays pending), never as a decline', (_, body) => {
    expect(() => readCharge('o1', body)).toThrow(GatewayProtocolError);
  });
});

// A real HTTP gateway on a free port that rejects every charge with a 64 KB body.
const hugeBody = `{"error":"card_declined","echo":"${'4'.repeat(64 * 1024)}"}`;

describe('chargeOrder', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) =>
      res.writeHead(402, { 'content-type': 'application/json' }).end(hugeBody),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("keeps only a short prefix of a rejecting gateway's body in the error it logs", async () => {
    const error = await chargeOrder(url, { orderId: 'o-1', amountCents: 100, currency: 'USD' }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ChargeRejectedError);
    const rejected = error as ChargeRejectedError;
    expect(rejected.body.startsWith('{"error":"card_declined"')).toBe(true);
    expect(rejected.body.length).toBeLessThan(logExcerptChars + 40);
    expect(rejected.message.length).toBeLessThan(logExcerptChars + 120);
  });
});
