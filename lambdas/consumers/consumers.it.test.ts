import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import { functionLogLines, getOrder, placeOrder, waitFor } from '../../drills/kit/drill-cloud.ts';
import { type LocalCloud, startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { stateDir } from '../../localstack/lib/paths.ts';
import { testAws, testClientConfig } from '../../localstack/test/fixtures/aws.ts';
import type { OrderEventMessage } from '../shared/order-event-message.ts';
import { idempotencyKeyPrefix } from './dedupe.ts';

// The three consumers as Lambdas in the local runtime, against the real queues, DynamoDB table and Postgres.
// No CDC here: the test plays the router and sends each event twice with different MessageDeduplicationIds — a
// duplicate SQS FIFO cannot catch — and checks that each side effect happened once.
let cloud: LocalCloud;
let dir: string;
const sqs = new SQSClient(testClientConfig());
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(testClientConfig()));

beforeAll(async () => {
  dir = mkdtempSync(join(stateDir, 'test-consumers-'));
  cloud = await startLocalCloud({
    stateDir: dir,
    logDir: join(dir, 'logs'),
    ports: { aws: 0, postgres: 0, api: 0 },
    cdc: false,
    external: {
      aws: testAws(),
      databaseUrl: process.env.HOLDLINE_SERVER_ADMIN_URL,
    },
  });
});
afterAll(async () => {
  await cloud?.stop();
  sqs.destroy();
  doc.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function placedEvent(orderId: string): Promise<OrderEventMessage> {
  const db = new pg.Client({ connectionString: cloud.database.admin });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT event_id::text, sequence, payload, occurred_at FROM outbox
       WHERE aggregate_id = $1 AND event_type = 'OrderPlaced'`,
      [orderId],
    );
    const row = rows[0];
    return {
      eventId: row.event_id,
      eventType: 'OrderPlaced',
      aggregateType: 'order',
      aggregateId: orderId,
      sequence: Number(row.sequence),
      occurredAt: new Date(row.occurred_at).toISOString(),
      traceContext: null,
      payload: row.payload,
    };
  } finally {
    await db.end();
  }
}

async function sendTwice(output: string, event: OrderEventMessage): Promise<void> {
  const queueUrl = cloud.provisioned.outputs[output];
  for (const copy of ['first', 'second'])
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(event),
        MessageGroupId: event.aggregateId,
        MessageDeduplicationId: `${copy}-${event.eventId}`,
      }),
    );
}

function consumerLog(consumer: string) {
  const id = functionIdByEntry(cloud.template, `lambdas/consumers/${consumer}/handler.ts`);
  const text = readFileSync(join(cloud.endpoints.logs, `lambda-${id}.log`), 'utf8');
  return { text, lines: functionLogLines(text, ['event applied', 'duplicate absorbed']) };
}

describe('the consumers', () => {
  it('apply each event once when it is delivered twice, and answer the copy from the idempotency record', async () => {
    // prepare: an order and its OrderPlaced event, as the router would deliver it
    const orderId = await placeOrder(cloud.endpoints.api, 'consumers-it', 1);
    const event = await placedEvent(orderId);

    // act: every consumer gets the event twice
    for (const output of ['PaymentQueueUrl', 'InventoryQueueUrl', 'NotificationQueueUrl'])
      await sendTwice(output, event);
    const handled = await waitFor(
      () => {
        const all = ['payment', 'inventory', 'notification'].map(
          (c) => consumerLog(c).lines.filter((l) => l.eventId === event.eventId).length,
        );
        return all.every((n) => n === 2) ? all : undefined;
      },
      45_000,
      250,
    );

    // assert: two deliveries each, one effect each
    expect(handled).toEqual([2, 2, 2]);
    expect(await getOrder(cloud.endpoints.api, 'consumers-it', orderId)).toMatchObject({
      status: 'confirmed',
      version: 2,
    });
    const charges = cloud.paymentGateway.log().filter((e) => e.idempotencyKey === orderId);
    expect(charges.map((e) => e.result)).toEqual(['created']);
    const effects = cloud.sideEffects.log().filter((e) => e.eventId === event.eventId);
    expect(effects.map((e) => `${e.service}:${e.result}`).sort()).toEqual([
      'inventory:created',
      'notification:created',
    ]);
    for (const consumer of ['payment', 'inventory', 'notification']) {
      const lines = consumerLog(consumer).lines.filter((l) => l.eventId === event.eventId);
      expect(
        lines.map((l) => l.message),
        consumer,
      ).toEqual(['event applied', 'duplicate absorbed']);
    }
  });

  it('keep one COMPLETED record per consumer and event, with an expiry one window ahead', async () => {
    const { Items = [] } = await doc.send(
      new ScanCommand({ TableName: cloud.provisioned.outputs.IdempotencyTableName, ConsistentRead: true }),
    );
    const now = Date.now() / 1000;
    for (const consumer of ['payment', 'inventory', 'notification'] as const) {
      // The sequence guard's per-order records share the table (`…#sequence#<orderId>`); they are not event records.
      const mine = Items.filter(
        (i) =>
          String(i.id).startsWith(`${idempotencyKeyPrefix(consumer)}#`) &&
          !String(i.id).includes('#sequence#'),
      );
      expect(mine.length, consumer).toBeGreaterThan(0);
      for (const item of mine) {
        expect(item.status).toBe('COMPLETED');
        // The template's window (24 h) ahead, give or take the test's own duration.
        expect(Number(item.expiration)).toBeGreaterThan(now + 86_400 - 600);
        expect(Number(item.expiration)).toBeLessThan(now + 86_400 + 60);
      }
    }
  });

  it('emit EndToEndLatency in the Holdline namespace with only the Consumer dimension', () => {
    const { text } = consumerLog('notification');
    const emf = text
      .split('\n')
      .filter((l) => l.includes('"EndToEndLatency"'))
      .map((l) => JSON.parse(l.slice(l.indexOf('{'))));
    expect(emf.length).toBeGreaterThan(0);
    expect(emf[0]._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Holdline',
      Dimensions: [['Consumer']],
      // The same blob carries the outage metrics (DependencyDown …), all under the one Consumer dimension.
      Metrics: expect.arrayContaining([{ Name: 'EndToEndLatency', Unit: 'Milliseconds' }]),
    });
    expect(emf[0].Consumer).toBe('notification');
  });
});
