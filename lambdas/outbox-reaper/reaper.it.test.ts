import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrder } from '../orders/order-store.ts';
import { createPgClient } from '../shared/db/pg-client.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { reapOutbox } from './reaper.ts';

// Against the globalSetup Postgres (migrated): old daily partitions are made, then reaped as the reaper's login
// (holdline_reaper), as the Lambda runs; orders are placed as the API's.
describe('outbox reaper', () => {
  let admin: pg.Client;
  let app: SqlClient;
  let reaper: SqlClient;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.HOLDLINE_ADMIN_DATABASE_URL });
    await admin.connect();
    app = createPgClient({ connectionString: process.env.DATABASE_URL! });
    reaper = createPgClient({ connectionString: process.env.HOLDLINE_REAPER_DATABASE_URL! });
  });
  afterAll(async () => {
    await admin.end();
    await Promise.all([app.close(), reaper.close()]);
  });

  it('drops whole days past the retention as the reaper role, keeps a day with an unsent row, and makes the coming days', async () => {
    await admin.query('SELECT outbox_ensure_partitions(40, 0)');
    // An unsent row 35 days back: its partition must survive.
    await admin.query(
      `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, published_at)
       VALUES (holdline_uuid7_floor(current_date - 35), 'order', 'reaper-test', 1, 'OrderPlaced', '{}', NULL)`,
    );

    const result = await reapOutbox(reaper, { retentionDays: 30, lockWaitMs: 1000 });

    const day = (daysAgo: number) => {
      const d = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
      return `outbox_p${d}`;
    };
    expect(result).toContainEqual({ partition: day(35), action: 'kept: 1 unsent rows' });
    expect(result).toContainEqual({ partition: day(36), action: 'dropped' });
    expect(result.find((r) => r.partition === day(10))).toBeUndefined();
    const left = await admin.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'",
      [[day(36), day(35), day(2), day(-3)]],
    );
    expect(Number(left.rows[0]?.n)).toBe(3);
    await admin.query("DELETE FROM outbox WHERE aggregate_id = 'reaper-test'");
  });

  // A partition the reaper must make: the one three days ahead, dropped here (it is empty).
  const aheadName = "format('outbox_p%s', to_char((now() AT TIME ZONE 'UTC')::date + 3, 'YYYYMMDD'))";
  const dropAhead = () =>
    admin.query(`DO $$ BEGIN EXECUTE format('DROP TABLE IF EXISTS %I', ${aheadName}); END $$`);
  const aheadExists = async () =>
    (await admin.query(`SELECT to_regclass(${aheadName}) IS NOT NULL AS made`)).rows[0].made as boolean;

  it('makes a day whose rows already sit in the default partition, moving them into it', async () => {
    await dropAhead();
    await admin.query(
      `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload)
       VALUES (holdline_uuid7_floor((now() AT TIME ZONE 'UTC')::date + 3), 'order', 'reaper-default', 1, 'OrderPlaced', '{}')`,
    );

    await reapOutbox(reaper, { retentionDays: 365, lockWaitMs: 1000 });

    expect(await aheadExists()).toBe(true);
    const where = await admin.query(
      "SELECT tableoid::regclass::text AS part FROM outbox WHERE aggregate_id = 'reaper-default'",
    );
    expect(where.rows).toEqual([{ part: expect.stringMatching(/^outbox_p\d{8}$/) }]);
    await admin.query("DELETE FROM outbox WHERE aggregate_id = 'reaper-default'");
  });

  it('returns within its lock wait while a session holds a read of the outbox open and orders keep committing', async () => {
    await dropAhead();
    const reader = new pg.Client({ connectionString: process.env.HOLDLINE_ADMIN_DATABASE_URL });
    await reader.connect();
    const lockWaitMs = 500;
    const commits: number[] = [];
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const started = Date.now();
        await placeOrder(app, {
          customerId: 'reaper-writer',
          currency: 'USD',
          items: [{ sku: 'A-1', quantity: 1, unitPriceCents: 100 }],
        });
        commits.push(Date.now() - started);
      }
    })();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM outbox');
      const committedBefore = commits.length;

      const started = Date.now();
      const outcome = await Promise.race([
        reapOutbox(reaper, { retentionDays: 365, lockWaitMs }).then(() => 'returned'),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10 * lockWaitMs)),
      ]);
      const elapsed = Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect(outcome).toBe('returned');
      expect(elapsed).toBeLessThan(lockWaitMs * 2 + 500);
      // The day it could not lock is left for the next run, not waited for.
      expect(await aheadExists()).toBe(false);
      expect(commits.length - committedBefore).toBeGreaterThan(5);
      expect(Math.max(...commits.slice(committedBefore))).toBeLessThan(lockWaitMs * 2);
    } finally {
      await reader.query('ROLLBACK');
      await reader.end();
      writing = false;
      await writer;
    }
    // With the read gone, the next run makes the day.
    await reapOutbox(reaper, { retentionDays: 365, lockWaitMs });
    expect(await aheadExists()).toBe(true);
  });

  it('refuses a retention under one day', async () => {
    await expect(reapOutbox(reaper, { retentionDays: 0, lockWaitMs: 1000 })).rejects.toThrow(RangeError);
  });
});
