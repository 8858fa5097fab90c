import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { logDir, repoRoot, stateDir } from '../../localstack/lib/paths.ts';
import { devAuthHeaders } from '../../localstack/stand-ins/auth/dev-token.ts';
import { testAws, testClientConfig } from '../../localstack/test/fixtures/aws.ts';
import { type DlqMessage, peek, queueDepth, replay } from '../../tools/dlq/dlq.ts';
import { writeLocalCloudRecord } from '../../tools/local-cloud-record.ts';
import { toSqsEntry } from '../router/routing.ts';
import type { OrderEventMessage } from '../shared/order-event-message.ts';

// A message that can never succeed, in ANY consumer queue, ends in THAT queue's DLQ with its reason, while the
// same queue's other groups (real orders) are processed. Debezium is off: the test plays the router, sending the
// exact messages it would (toSqsEntry), so only the consumers are under test.
let cloud: LocalCloud;
const sqs = new SQSClient(testClientConfig());
const consumers = ['Payment', 'Inventory', 'Notification'] as const;
const run = randomUUID().slice(0, 8);

beforeAll(async () => {
  cloud = await startLocalCloud({
    stateDir: `${stateDir}/test-quarantine`,
    logDir,
    ports: { aws: 0, postgres: 0, api: 0 },
    external: {
      aws: testAws(),
      databaseUrl: process.env.HOLDLINE_SERVER_ADMIN_URL,
    },
    cdc: false,
  });
});
afterAll(async () => {
  await cloud?.stop();
  sqs.destroy();
});

async function placeOrder(i: number): Promise<OrderEventMessage> {
  const response = await fetch(`${cloud.endpoints.api}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await devAuthHeaders(`c-q-${run}`)) },
    body: JSON.stringify({
      customerId: `c-q-${run}`,
      currency: 'USD',
      items: [{ sku: 'Q-1', quantity: 1, unitPriceCents: 300 + i }],
    }),
  });
  expect(response.status).toBe(201);
  const order = (await response.json()) as { id: string; totalCents: number; version: number };
  return {
    eventId: randomUUID(),
    eventType: 'OrderPlaced',
    aggregateType: 'order',
    aggregateId: order.id,
    sequence: order.version,
    occurredAt: new Date().toISOString(),
    traceContext: null,
    payload: { orderId: order.id, totalCents: order.totalCents },
  };
}

const url = (consumer: string, kind: 'Queue' | 'Dlq') => cloud.provisioned.outputs[`${consumer}${kind}Url`]!;
const send = (queueUrl: string, group: string, body: string, dedup = randomUUID()) =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: dedup,
    }),
  );

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** DLQ messages of this run's bad groups, once `count` of them are there. */
const ours = (consumer: string, count: number) =>
  until(`${count} quarantined messages in the ${consumer} DLQ`, async () => {
    const found = (await peek(sqs, url(consumer, 'Dlq'), 100)).filter((m) => m.groupId?.includes(run));
    return found.length >= count ? found : undefined;
  });

describe('quarantine', () => {
  it('puts a malformed message of any queue in that queue’s DLQ with its reason; other groups complete', async () => {
    // prepare: three real orders, routed to every queue as the router would; poison in groups of their own
    const orders = [await placeOrder(1), await placeOrder(2), await placeOrder(3)];
    const bad = {
      Payment: [['not json', 'MalformedMessageError']],
      Inventory: [
        [JSON.stringify({ eventId: 'nope' }), 'MalformedMessageError'],
        // A real event type, but one the router never sends to inventory.
        [
          toSqsEntry({ ...orders[0]!, eventId: randomUUID(), eventType: 'OrderConfirmed' }).MessageBody,
          'UnknownEventTypeError',
        ],
      ],
      Notification: [
        ['{"truncated":', 'MalformedMessageError'],
        [JSON.stringify({ ...orders[0], payload: { blob: 'x'.repeat(70_000) } }), 'OversizeMessageError'],
      ],
    } as const;
    // act
    for (const consumer of consumers) {
      for (const [i, [body]] of bad[consumer].entries())
        await send(url(consumer, 'Queue'), `bad-${run}-${i}`, body);
      for (const order of orders) {
        const entry = toSqsEntry(order);
        await sqs.send(new SendMessageCommand({ QueueUrl: url(consumer, 'Queue'), ...entry }));
      }
    }

    // assert: each DLQ holds exactly its own poison, with the agreed attributes
    for (const consumer of consumers) {
      const quarantined = await ours(consumer, bad[consumer].length);
      const queueArn = (
        await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url(consumer, 'Queue'), AttributeNames: ['QueueArn'] }),
        )
      ).Attributes?.QueueArn;
      expect(quarantined.map((m) => m.quarantine.errorName).sort(), consumer).toEqual(
        bad[consumer].map(([, name]) => name).sort(),
      );
      for (const m of quarantined) {
        expect(m.quarantine.reason, consumer).toMatch(/^permanent failure: /);
        expect(m.quarantine.sourceQueue).toBe(queueArn);
        expect(m.quarantine.receiveCount).toBe('1');
        expect(Date.parse(m.quarantine.failedAt ?? '')).toBeGreaterThan(Date.now() - 120_000);
      }
    }
    // … and the real orders went through every consumer: payment confirmed them, and every queue drained.
    const statuses = await until('orders confirmed', async () => {
      const got = await Promise.all(
        orders.map(
          async (o) =>
            (
              (await (
                await fetch(`${cloud.endpoints.api}/orders/${o.aggregateId}`, {
                  headers: await devAuthHeaders(`c-q-${run}`),
                })
              ).json()) as {
                status: string;
              }
            ).status,
        ),
      );
      return got.every((s) => s === 'confirmed') ? got : undefined;
    });
    expect(statuses).toEqual(['confirmed', 'confirmed', 'confirmed']);
    for (const consumer of consumers)
      await until(`${consumer} queue drained`, async () => {
        const d = await queueDepth(sqs, url(consumer, 'Queue'));
        return d.visible + d.inFlight === 0 ? true : undefined;
      });
  }, 180_000);

  it('replays DLQ messages to their source queue, where a still-bad message is quarantined again', async () => {
    // prepare: the inventory poison from the first test is in its DLQ
    const before = (await ours('Inventory', 2)).map((m: DlqMessage) => m.messageId);
    // act: replay finds the source from holdline.sourceQueue (no --to)
    const result = await replay(sqs, url('Inventory', 'Dlq'));
    // assert: moved back, failed again (still permanent), quarantined again as new DLQ messages
    expect(result.moved).toBeGreaterThanOrEqual(2);
    expect(Object.keys(result.bySource)).toEqual([url('Inventory', 'Queue')]);
    const after = await ours('Inventory', 2);
    expect(after.map((m) => m.messageId).filter((id) => before.includes(id))).toEqual([]);
  }, 120_000);

  it('shows the DLQ by consumer name with `npm run dlq`, reading the local cloud’s recorded outputs', async () => {
    // prepare: a cloud record like `npm run demo` or `local:up` publishes, in a state dir of our own; the CLI
    // gets no endpoint or credentials from its environment
    const dir = mkdtempSync(join(stateDir, 'test-dlq-cli-'));
    writeLocalCloudRecord(
      {
        pid: process.pid,
        children: [],
        endpoints: { ...cloud.endpoints },
        aws: cloud.aws,
        outputs: cloud.provisioned.outputs,
      },
      join(dir, 'cloud.json'),
    );
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOLDLINE_STATE_DIR: dir,
    };
    const dlq = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/dlq/cli.ts', ...args], {
        cwd: repoRoot,
        env,
      });
    try {
      // act
      const list = await dlq('list');
      const show = await dlq('show', 'notification');
      // assert: the notification poison is listed and shown with its reason
      expect(list.stdout).toMatch(/notification/);
      expect(show.stdout).toMatch(/holdline\.reason: permanent failure: .*over the 65536-byte limit/);
      expect(show.stdout).toMatch(/holdline\.errorName: MalformedMessageError/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
