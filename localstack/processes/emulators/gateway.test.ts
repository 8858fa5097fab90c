import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from './gateway.ts';

describe('AWS gateway', () => {
  // A frozen emulator: takes the request and never answers.
  const held = new Set<IncomingMessage>();
  const frozen = createServer((req) => {
    held.add(req);
    req.socket.on('close', () => held.delete(req));
  });
  afterAll(() => {
    frozen.closeAllConnections();
    frozen.close();
  });

  it('closes its request to a frozen emulator when the client gives up, so retries cannot pile up sockets', async () => {
    await new Promise<void>((resolve) => frozen.listen(0, '127.0.0.1', resolve));
    const backend = `http://127.0.0.1:${(frozen.address() as AddressInfo).port}`;
    const gateway = await startGateway(0, { dynamodb: backend }, backend);
    try {
      const clients = Array.from({ length: 20 }, () => {
        const r = request(gateway.url, {
          method: 'POST',
          headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' },
        });
        r.on('error', () => {});
        r.end('{}');
        return r;
      });
      for (let i = 0; i < 50 && held.size < clients.length; i++) await sleep(20);
      expect(held.size).toBe(clients.length);
      // The SDK's request timeout fires: each client drops its socket.
      for (const r of clients) r.destroy();
      for (let i = 0; i < 50 && held.size > 0; i++) await sleep(20);
      expect(held.size).toBe(0);
    } finally {
      await gateway.close();
    }
  });
});
