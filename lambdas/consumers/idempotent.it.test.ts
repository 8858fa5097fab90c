import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testClientConfig } from '../../localstack/test/fixtures/aws.ts';
import type { OrderEventMessage } from '../shared/order-event-message.ts';
import { idempotent } from './idempotent.ts';

// Powertools idempotency against the emulator's DynamoDB, reached through a test double: a proxy that can go
// silent, as a frozen or partitioned DynamoDB does (requests hang; they are not refused).
const tableName = `idempotent-${Date.now()}`;
const admin = new DynamoDBClient(testClientConfig());
const held: ServerResponse[] = [];
let silent = false;
const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (silent) return void held.push(res);
  const target = new URL(req.url ?? '/', testClientConfig().endpoint);
  const upstream = request(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});
let client: DynamoDBClient;

beforeAll(async () => {
  await admin.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  client = new DynamoDBClient({
    ...testClientConfig(),
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    requestHandler: { connectionTimeout: 500, requestTimeout: 500, throwOnRequestTimeout: true },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  for (const res of held) res.destroy();
  proxy.close();
  client?.destroy();
  await admin.send(new DeleteTableCommand({ TableName: tableName }));
  admin.destroy();
});

afterEach(() => {
  silent = false;
});

let counter = 0;
const event = (): OrderEventMessage => ({
  eventId: `0190a5f2-6c1e-7cc2-9d43-${String(++counter).padStart(12, '0')}`,
  eventType: 'OrderPlaced',
  aggregateType: 'order',
  aggregateId: `order-${counter}`,
  sequence: 1,
  occurredAt: new Date().toISOString(),
  traceContext: null,
  payload: {},
});
const env = { IDEMPOTENCY_TABLE: tableName, IDEMPOTENCY_EXPIRES_AFTER_SECONDS: '3600' };

/** A step that sends a "mail", counted per event, and then makes DynamoDB go silent for `silenceMs`. */
function mailThenSilence(silenceMs: number) {
  const sent = new Map<string, number>();
  const step = async (message: OrderEventMessage) => {
    sent.set(message.eventId, (sent.get(message.eventId) ?? 0) + 1);
    silent = true;
    setTimeout(() => {
      silent = false;
    }, silenceMs);
    return 'sent';
  };
  return { sent, step };
}

describe('an event whose side effect ran but whose COMPLETED record could not be saved', () => {
  it('is acknowledged, and a retry inside the invocation saves the record, so a copy is a duplicate', async () => {
    const { sent, step } = mailThenSilence(1_200);
    const once = idempotent('notification', step, env, {
      client,
      saveBoundMs: 1_000,
      remainingMs: () => 20_000,
    });
    const message = event();
    const first = await once.handle(message);
    expect(first).toMatchObject({ kind: 'applied', applied: { outcome: 'sent' } });
    expect(first).not.toHaveProperty('unsaved');
    const copy = await once.handle({ ...message });
    expect(copy.kind).toBe('duplicate');
    expect(sent.get(message.eventId)).toBe(1);
  });

  it('is acknowledged with the reason when the table stays silent past the invocation, not failed to run again', async () => {
    const { sent, step } = mailThenSilence(60_000);
    const deadline = Date.now() + 4_000;
    const once = idempotent('notification', step, env, {
      client,
      saveBoundMs: 1_000,
      remainingMs: () => deadline - Date.now(),
    });
    const message = event();
    const delivery = await once.handle(message);
    expect(delivery.kind).toBe('applied');
    expect(delivery.kind === 'applied' && delivery.unsaved).toBeInstanceOf(Error);
    // It gave up with its reserve left: the batch answer still fits in the invocation.
    expect(Date.now()).toBeLessThan(deadline);
    expect(sent.get(message.eventId)).toBe(1);
  });

  it('still fails the message when the step itself failed, so the retry runs it', async () => {
    let runs = 0;
    const once = idempotent(
      'notification',
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('mail service down');
        return 'sent';
      },
      env,
      { client, saveBoundMs: 1_000, remainingMs: () => 20_000 },
    );
    const message = event();
    await expect(once.handle(message)).rejects.toThrow('mail service down');
    expect((await once.handle({ ...message })).kind).toBe('applied');
    expect(runs).toBe(2);
  });
});
