import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import { functionLogLines, waitFor } from '../../drills/kit/drill-cloud.ts';
import { type LocalCloud, startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { stateDir } from '../../localstack/lib/paths.ts';
import { withPgClient } from '../../localstack/lib/pg-session.ts';
import { testAws, testClientConfig } from '../../localstack/test/fixtures/aws.ts';
import type { AuditEntry } from './consumers/audit-log/audit-entry.ts';
import { changeRuleSchema } from './rule.ts';
import { ruleEntry, ruleMessage } from './rule-message.ts';

// The change rules end to end on the real local cloud: plain SQL into Postgres → the holdline_rules Debezium
// connector → TableChanges → the change router (the rules) → the consumers' FIFO queues → the consumer Lambdas.
// The welcome mail's TEST DOUBLE is the side-effects stand-in: its request log is the sent mail.
let cloud: LocalCloud;
let dir: string;
const sqs = new SQSClient(testClientConfig());
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(testClientConfig()));
const s3 = new S3Client(testClientConfig());

beforeAll(async () => {
  dir = mkdtempSync(join(stateDir, 'test-change-rules-'));
  cloud = await startLocalCloud({
    stateDir: dir,
    logDir: join(dir, 'logs'),
    ports: { aws: 0, postgres: 0, api: 0 },
    cdc: false,
    changeRules: true,
    slotGuard: false,
    external: { aws: testAws(), databaseUrl: process.env.HOLDLINE_SERVER_ADMIN_URL },
  });
});
afterAll(async () => {
  await cloud?.stop();
  // The test Postgres is shared by the run: leave no slot pinning its WAL, and no offsets for a later start.
  if (cloud)
    await withPgClient(cloud.database.admin, async (db) => {
      await db.query(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'holdline_rules' AND NOT active",
      );
      await db.query('DROP TABLE IF EXISTS cdc.debezium_offset_storage_rules');
    });
  sqs.destroy();
  doc.destroy();
  s3.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const welcomeMails = (customerId: string) =>
  cloud.sideEffects.log().filter((e) => e.eventType === 'WelcomeMail' && e.orderId === customerId);

async function auditOf(customerId: string): Promise<AuditEntry[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: cloud.output('AuditLogTableName'),
      KeyConditionExpression: 'entity = :e',
      ExpressionAttributeValues: { ':e': `customers#${customerId}` },
    }),
  );
  return (out.Items ?? []) as AuditEntry[];
}

describe('change rules on the local cloud', () => {
  it('a plain SQL INSERT into customers sends exactly one welcome mail', async () => {
    const id = randomUUID();
    await withPgClient(cloud.database.app, (db) =>
      db.query('INSERT INTO customers (id, email, name) VALUES ($1, $2, $3)', [id, 'ada@example.com', 'Ada']),
    );
    const mails = await waitFor(() => (welcomeMails(id).length > 0 ? welcomeMails(id) : undefined), 60_000);
    expect(mails).toHaveLength(1);
    // Nothing else arrives later for the same row.
    await new Promise((r) => setTimeout(r, 3000));
    expect(welcomeMails(id)).toHaveLength(1);
  }, 90_000);

  it('audits inserts and real updates with before/after images and LSNs, not a touch of updated_at', async () => {
    const id = randomUUID();
    await withPgClient(cloud.database.app, async (db) => {
      await db.query('INSERT INTO customers (id, email, name) VALUES ($1, $2, $3)', [
        id,
        'bea@example.com',
        'Bea',
      ]);
      await db.query('UPDATE customers SET updated_at = now() WHERE id = $1', [id]);
      await db.query("UPDATE customers SET email = 'bea@example.org', updated_at = now() WHERE id = $1", [
        id,
      ]);
    });
    const entries = await waitFor(async () => {
      const found = await auditOf(id);
      return found.length >= 2 ? found : undefined;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 2000));
    const all = await auditOf(id);
    expect(entries).toBeDefined();
    expect(all.map((e) => e.op)).toEqual(['insert', 'update']);
    const [insert, update] = all as [AuditEntry, AuditEntry];
    expect(insert.before).toBeNull();
    expect(update.before?.email).toBe('bea@example.com');
    expect(update.after?.email).toBe('bea@example.org');
    expect(update.changedColumns).toEqual(['email', 'updated_at']);
    expect(update.lsn).toBeGreaterThan(insert.lsn);
  }, 90_000);

  it('does the work once when the same change reaches the queue twice', async () => {
    const id = randomUUID();
    const rule = changeRuleSchema.parse({
      name: 'welcome-mail',
      table: 'customers',
      operations: ['insert'],
      target: { consumer: 'welcome-mail' },
    });
    const change = {
      kind: 'change' as const,
      table: 'customers',
      op: 'insert' as const,
      before: null,
      after: { id, email: 'cy@example.com', name: 'Cy' },
      lsn: 123_456_789,
      txId: 1,
      committedAtMs: Date.now(),
    };
    const entry = ruleEntry(ruleMessage(change, rule, 'id'), rule, change);
    // Different deduplication ids: SQS FIFO cannot catch this repeat; only the consumer's dedupe can.
    for (const suffix of ['a', 'b'])
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: cloud.output('WelcomeMailQueueUrl'),
          ...entry,
          MessageDeduplicationId: `${entry.MessageDeduplicationId}-${suffix}`,
        }),
      );
    await waitFor(() => (welcomeMails(id).length > 0 ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(welcomeMails(id)).toHaveLength(1);
  }, 60_000);

  it("a plain SQL INSERT into report_requests writes the customer's orders as CSV to the reports bucket", async () => {
    const customerId = `report-${randomUUID()}`;
    // This cloud captures no orders (cdc: false), so the order view is seeded as the order-view Lambda writes it.
    for (const [orderId, createdAt] of [
      ['o-1', '2026-12-07T01:00:00.000Z'],
      ['o-2', '2026-12-07T01:00:05.000Z'],
    ] as const)
      await doc.send(
        new PutCommand({
          TableName: cloud.output('OrderViewTableName'),
          Item: {
            pk: `ORDER#${orderId}`,
            sk: 'CURRENT',
            orderId,
            customer_id: customerId,
            status: 'confirmed',
            currency: 'EUR',
            total_cents: 990,
            items: JSON.stringify([{ sku: 'A-1', quantity: 1, unitPriceCents: 990 }]),
            version: 2,
            created_at: createdAt,
            updated_at: createdAt,
            deleted: false,
          },
        }),
      );
    const requestId = randomUUID();
    await withPgClient(cloud.database.app, (db) =>
      db.query('INSERT INTO report_requests (id, customer_id, requested_by) VALUES ($1, $2, $3)', [
        requestId,
        customerId,
        'ops@example.com',
      ]),
    );
    const key = `reports/${encodeURIComponent(customerId)}/${requestId}.csv`;
    const csv = await waitFor(async () => {
      try {
        const object = await s3.send(
          new GetObjectCommand({ Bucket: cloud.output('ReportsBucketName'), Key: key }),
        );
        return { body: await object.Body?.transformToString(), metadata: object.Metadata };
      } catch {
        return undefined;
      }
    }, 60_000);
    expect(csv?.body?.split('\r\n')).toEqual([
      'order_id,status,currency,total_cents,line_items,created_at,updated_at',
      'o-1,confirmed,EUR,990,1,2026-12-07T01:00:00.000Z,2026-12-07T01:00:00.000Z',
      'o-2,confirmed,EUR,990,1,2026-12-07T01:00:05.000Z,2026-12-07T01:00:05.000Z',
      '',
    ]);
    expect(csv?.metadata).toMatchObject({
      'requested-by': 'ops@example.com',
      orders: '2',
      truncated: 'false',
    });
  }, 90_000);

  /** Inserts `count` customers in one transaction, with the bulk marker first when `marked`; returns their ids. */
  async function insertMany(count: number, marked: boolean): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await withPgClient(cloud.database.app, async (db) => {
      await db.query('BEGIN');
      if (marked)
        await db.query("SELECT pg_logical_emit_message(true, 'holdline.bulk', $1)", [
          JSON.stringify({ migration: 'test_backfill' }),
        ]);
      await db.query(
        `INSERT INTO customers (id, email, name)
         SELECT id, 'bulk-' || id || '@example.com', 'Bulk' FROM unnest($1::uuid[]) AS id`,
        [ids],
      );
      await db.query('COMMIT');
    });
    return ids;
  }
  const logOf = (entry: string) => {
    const file = join(dir, 'logs', `lambda-${functionIdByEntry(cloud.template, entry)}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };

  it('a marked bulk insert sends no welcome mails but one summary, and still audits every row (throttled)', async () => {
    const ids = await insertMany(60, true);
    const summary = await waitFor(() => {
      const lines = functionLogLines(logOf('lambdas/change-rules/consumers/welcome-mail/handler.ts'), [
        'bulk change summarised',
      ]).filter((l) => l.migration === 'test_backfill');
      return lines.length > 0 ? lines : undefined;
    }, 60_000);
    expect(summary).toHaveLength(1);
    expect(summary?.[0]).toMatchObject({ rule: 'welcome-mail', rows: 60, reason: 'marked' });
    const audited = await waitFor(async () => {
      const counts = await Promise.all(ids.map(async (id) => (await auditOf(id)).length));
      const total = counts.reduce((a, b) => a + b, 0);
      return total === ids.length ? total : undefined;
    }, 60_000);
    expect(audited).toBe(60);
    expect(ids.flatMap((id) => welcomeMails(id))).toEqual([]);
  }, 150_000);

  it('an unmarked flurry is detected and throttled, nothing skipped: every welcome mail still goes out once', async () => {
    const ids = await insertMany(60, false);
    const sent = await waitFor(() => {
      const mails = ids.flatMap((id) => welcomeMails(id));
      return mails.length >= ids.length ? mails : undefined;
    }, 90_000);
    expect(sent).toHaveLength(60);
    const flurries = functionLogLines(logOf('lambdas/change-rules/handler.ts'), [
      'unmarked flurry detected: throttled like a bulk change',
    ]);
    expect(flurries.length).toBeGreaterThan(0);
    expect(flurries[0]).toMatchObject({ trigger: 'transaction', table: 'customers' });
  }, 150_000);
});
