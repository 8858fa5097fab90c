import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PaymentGateway, startPaymentGateway } from './server.ts';

const charge = (gateway: PaymentGateway, key: string, timeoutMs = 2000) =>
  fetch(`${gateway.url}/charges`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ orderId: key, amountCents: 1000, currency: 'USD' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
const setFaults = (gateway: PaymentGateway, faults: Record<string, unknown>) =>
  fetch(`${gateway.url}/_faults`, { method: 'POST', body: JSON.stringify(faults) });

describe('payment gateway stand-in outage and hang modes', () => {
  let dir: string;
  let gateway: PaymentGateway;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-'));
    gateway = await startPaymentGateway(0, join(dir, 'requests.jsonl'));
  });
  afterEach(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 to charges and look-ups during an outage and creates nothing', async () => {
    await setFaults(gateway, { outage: true });
    expect((await charge(gateway, 'o1')).status).toBe(503);
    expect((await fetch(`${gateway.url}/charges?idempotencyKey=o1`)).status).toBe(503);
    expect(gateway.log()).toMatchObject([{ idempotencyKey: 'o1', result: 'failed', status: 503 }]);
  });

  it('accepts and never answers while hanging, then charges once the hang is cleared', async () => {
    await setFaults(gateway, { hang: true });
    await expect(charge(gateway, 'o2', 300)).rejects.toThrow();
    await setFaults(gateway, { hang: false });
    expect((await charge(gateway, 'o2')).status).toBe(201);
    expect(gateway.log().map((e) => e.result)).toEqual(['hung', 'created']);
  });
});
