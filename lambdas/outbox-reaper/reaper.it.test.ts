import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgClient } from '../shared/db/pg-client.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { reapOutbox } from './reaper.ts';

// Against the globalSetup Postgres (migrated): old daily partitions are made, then reaped as the app role.
describe('outbox reaper', () => {
  let admin: pg.Client;
  let app: SqlClient;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.HOLDLINE_ADMIN_DATABASE_URL });
    await admin.connect();
    app = createPgClient({ connectionString: process.env.DATABASE_URL! });
  });
  afterAll(async () => {
    await admin.end();
    await app.close();
  });

  it('drops whole days past the retention as the app role, keeps a day with an unsent row, and makes the coming days', async () => {
    await admin.query('SELECT outbox_ensure_partitions(40, 0)');
    // An unsent row 35 days back: its partition must survive.
    await admin.query(
      `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, published_at)
       VALUES (holdline_uuid7_floor(current_date - 35), 'order', 'reaper-test', 1, 'OrderPlaced', '{}', NULL)`,
    );

    const result = await reapOutbox(app, { retentionDays: 30, lockWaitMs: 1000 });

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

  it('refuses a retention under one day', async () => {
    await expect(reapOutbox(app, { retentionDays: 0, lockWaitMs: 1000 })).rejects.toThrow(RangeError);
  });
});
