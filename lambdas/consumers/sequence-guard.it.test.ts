import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClientConfig } from '../../localstack/test/fixtures/aws.ts';
import { observeSequence, type SequenceGuard, sequenceGuard, sequenceRecordId } from './sequence-guard.ts';

// The guard against the emulator's DynamoDB: a table shaped like the idempotency table (key `id`).
const client = new DynamoDBClient(testClientConfig());
const doc = DynamoDBDocumentClient.from(client);
const tableName = `sequence-guard-${Date.now()}`;
let counter = 0;

beforeAll(async () => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

const event = (aggregateId: string, sequence: number) => ({
  eventId: `0190a5f2-6c1e-7cc2-9d43-${String(++counter).padStart(12, '0')}`,
  eventType: 'OrderConfirmed',
  aggregateType: 'order',
  aggregateId,
  sequence,
  occurredAt: new Date().toISOString(),
  traceContext: null,
  payload: {},
});

/** What the hook emitted: metric names and warning lines, as Powertools would receive them. */
function recorder() {
  const metrics: string[] = [];
  const warnings: { message: string; extra: Record<string, unknown> }[] = [];
  return {
    metrics,
    warnings,
    sink: { addMetric: (name: string) => void metrics.push(name) },
    logger: {
      warn: (message: string, extra: Record<string, unknown>) => void warnings.push({ message, extra }),
    },
  };
}

async function observe(guard: SequenceGuard, aggregateId: string, sequence: number, seen = recorder()) {
  return {
    verdict: await observeSequence(guard, event(aggregateId, sequence), seen.sink, seen.logger),
    seen,
  };
}

describe('the sequence guard', () => {
  it('passes an order whose events come in sequence, and records the last one', async () => {
    const guard = sequenceGuard('notification', { tableName, windowSeconds: 3600, doc });
    const seen = recorder();
    for (const sequence of [1, 2, 3])
      expect((await observe(guard, 'o-in-order', sequence, seen)).verdict).toEqual({ kind: 'in-order' });

    expect(seen.metrics).toEqual([]);
    const record = await doc.send(
      new GetCommand({ TableName: tableName, Key: { id: sequenceRecordId('notification', 'o-in-order') } }),
    );
    expect(record.Item?.lastSequence).toBe(3);
  });

  it('counts and logs a skipped sequence with both sequences', async () => {
    const guard = sequenceGuard('notification', { tableName, windowSeconds: 3600, doc });
    await observe(guard, 'o-gap', 1);
    const { verdict, seen } = await observe(guard, 'o-gap', 3);

    expect(verdict).toEqual({ kind: 'skipped', lastSequence: 1, sequence: 3 });
    expect(seen.metrics).toEqual(['SequenceAnomalies']);
    expect(seen.warnings[0]).toMatchObject({
      message: 'sequence skipped: applied anyway',
      extra: { orderId: 'o-gap', lastSequence: 1, sequence: 3 },
    });
  });

  it('counts an older event after a newer one, and never moves the record backwards', async () => {
    const guard = sequenceGuard('payment', { tableName, windowSeconds: 3600, doc });
    await observe(guard, 'o-late', 4);
    const { verdict, seen } = await observe(guard, 'o-late', 2);

    expect(verdict).toEqual({ kind: 'out-of-order', lastSequence: 4, sequence: 2 });
    expect(seen.metrics).toEqual(['SequenceAnomalies']);
    const record = await doc.send(
      new GetCommand({ TableName: tableName, Key: { id: sequenceRecordId('payment', 'o-late') } }),
    );
    expect(record.Item?.lastSequence).toBe(4);
  });

  it('keeps one record per consumer: payment having seen an order does not judge notification', async () => {
    const payment = sequenceGuard('payment', { tableName, windowSeconds: 3600, doc });
    const notification = sequenceGuard('notification', { tableName, windowSeconds: 3600, doc });
    await observe(payment, 'o-shared', 2);

    expect((await observe(notification, 'o-shared', 1)).verdict).toEqual({ kind: 'in-order' });
  });

  it('logs and does not throw when its table cannot be reached (the event is already applied)', async () => {
    const guard = sequenceGuard('notification', { tableName: 'no-such-table', windowSeconds: 3600, doc });
    const { verdict, seen } = await observe(guard, 'o-no-table', 1);

    expect(verdict).toBeUndefined();
    expect(seen.warnings.map((w) => w.message)).toEqual(['sequence not checked']);
  });
});
