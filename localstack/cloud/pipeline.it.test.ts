import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { orderEventMessageSchema } from '../../lambdas/shared/order-event-message.ts';
import { logDir, stateDir } from '../lib/paths.ts';
import { devAuthHeaders } from '../stand-ins/auth/dev-token.ts';
import { type LocalCloud, startLocalCloud } from './local-cloud.ts';

// The publish-and-route path end to end: API → one Postgres statement → Debezium Server (WAL) → Kinesis →
// router Lambda → the three consumer FIFO queues. Consumer mappings are paused so the queues can be read here.
let cloud: LocalCloud;
const cloudState = join(stateDir, 'test-pipeline');
let sqs: SQSClient;
const consumers = ['Payment', 'Inventory', 'Notification'] as const;

interface Received {
  body: string;
  groupId?: string | undefined;
  dedupId?: string | undefined;
}

/** Receives and deletes until `done` holds, then polls once more so a late duplicate would still be seen. */
async function drain(queueUrl: string, done: (got: Received[]) => boolean, timeoutMs = 30_000) {
  const got: Received[] = [];
  const receive = async () => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    for (const m of out.Messages ?? []) {
      got.push({
        body: m.Body ?? '',
        groupId: m.Attributes?.MessageGroupId,
        dedupId: m.Attributes?.MessageDeduplicationId,
      });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (!done(got) && Date.now() < deadline) await receive();
  await receive();
  return got;
}

beforeAll(async () => {
  // A new Postgres cluster each run: connector offsets from an earlier cluster would point past its WAL.
  rmSync(cloudState, { recursive: true, force: true });
  cloud = await startLocalCloud({
    stateDir: cloudState,
    logDir,
    ports: { aws: 0, postgres: 0, api: 0 },
    // Emulators and a Postgres of its own. On the shared ones, a fresh connector state snapshots every earlier
    // test's outbox rows (snapshot.mode when_needed) and the router reads the shared stream from TRIM_HORIZON: a
    // backlog of hundreds of events ahead of this test's three, which a loaded CI machine did not route in time.
  });
  sqs = new SQSClient(awsClientConfig(cloud.aws));
  await cloud.setQueueConsumersEnabled(false);
});
afterAll(async () => {
  await cloud?.stop();
  sqs?.destroy();
});

describe('publish and route', () => {
  it('delivers each placed order to every consumer queue once per event id, grouped by order', async () => {
    // Earlier tests may have left events in the stream from this same database; only ours count below.
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${cloud.endpoints.api}/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `pipeline-${Date.now()}-${i}`,
          ...(await devAuthHeaders('c-pipeline')),
        },
        body: JSON.stringify({
          customerId: 'c-pipeline',
          currency: 'USD',
          items: [{ sku: 'P-1', quantity: i + 1, unitPriceCents: 100 }],
        }),
      });
      expect(response.status).toBe(201);
      placed.push(((await response.json()) as { id: string }).id);
    }

    for (const consumer of consumers) {
      const queueUrl = cloud.provisioned.outputs[`${consumer}QueueUrl`]!;
      const ours = (m: Received) =>
        placed.includes(orderEventMessageSchema.parse(JSON.parse(m.body)).aggregateId);
      const mine = (await drain(queueUrl, (got) => got.filter(ours).length >= placed.length)).filter(ours);
      const events = mine.map((m) => orderEventMessageSchema.parse(JSON.parse(m.body)));
      // exactly one OrderPlaced per order, no duplicates
      expect(events.map((e) => e.aggregateId).sort(), consumer).toEqual([...placed].sort());
      expect(new Set(events.map((e) => e.eventId)).size).toBe(placed.length);
      for (const [i, m] of mine.entries()) {
        expect(m.groupId).toBe(events[i]!.aggregateId);
        expect(m.dedupId).toBe(events[i]!.eventId);
        expect(events[i]).toMatchObject({ eventType: 'OrderPlaced', sequence: 1 });
      }
    }
  }, 90_000);

  it('pays for each order once and moves it to confirmed, or payment_failed when declined', async () => {
    await cloud.setQueueConsumersEnabled(true);
    const place = async (i: number) => {
      const response = await fetch(`${cloud.endpoints.api}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await devAuthHeaders('c-pay')) },
        body: JSON.stringify({
          customerId: 'c-pay',
          currency: 'USD',
          items: [{ sku: 'P-2', quantity: 1, unitPriceCents: 100 + i }],
        }),
      });
      return ((await response.json()) as { id: string }).id;
    };
    // 666 cents is the stand-in's "declined" amount for this test, set before any order exists.
    await fetch(`${cloud.paymentGateway.url}/_faults`, {
      method: 'POST',
      body: JSON.stringify({ declineAmountsCents: [666] }),
    });
    const declined = await place(566);
    const paid = [await place(1), await place(2), await place(3)];

    const statusOf = async (id: string) =>
      (await (
        await fetch(`${cloud.endpoints.api}/orders/${id}`, { headers: await devAuthHeaders('c-pay') })
      ).json()) as {
        status: string;
        version: number;
      };
    const deadline = Date.now() + 45_000;
    let statuses: Array<{ status: string; version: number }> = [];
    while (Date.now() < deadline) {
      statuses = await Promise.all([declined, ...paid].map(statusOf));
      if (statuses.every((s) => s.status !== 'pending')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(statuses.map((s) => s.status)).toEqual(['payment_failed', 'confirmed', 'confirmed', 'confirmed']);
    expect(statuses.every((s) => s.version === 2)).toBe(true);

    const created = cloud.paymentGateway.log().filter((e) => e.result === 'created');
    for (const id of [declined, ...paid])
      expect(
        created.filter((e) => e.orderId === id),
        id,
      ).toHaveLength(1);
  }, 90_000);
});
