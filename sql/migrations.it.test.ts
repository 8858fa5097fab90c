import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { config } from '../cdk/lib/config.ts';
import { adminQuery } from '../lambdas/test/db.ts';

describe('migrations', () => {
  it('gives the app role no REPLICATION and the CDC role REPLICATION', async () => {
    const roles = await adminQuery<{ rolname: string; rolreplication: boolean }>(
      "SELECT rolname, rolreplication FROM pg_roles WHERE rolname IN ('holdline_app', 'holdline_cdc') ORDER BY 1",
    );
    expect(roles).toEqual([
      { rolname: 'holdline_app', rolreplication: false },
      { rolname: 'holdline_cdc', rolreplication: true },
    ]);
  });

  it('lets the CDC role read the captured tables but not write orders', async () => {
    const cdc = new pg.Client({ connectionString: process.env.HOLDLINE_CDC_DATABASE_URL });
    await cdc.connect();
    try {
      await cdc.query('SELECT count(*) FROM outbox');
      await expect(cdc.query("UPDATE orders SET status = 'cancelled'")).rejects.toThrow(/permission denied/);
    } finally {
      await cdc.end();
    }
  });

  it('keeps full before-images of orders for CDC', async () => {
    const [row] = await adminQuery<{ relreplident: string }>(
      "SELECT relreplident FROM pg_class WHERE relname = 'orders'",
    );
    expect(row?.relreplident).toBe('f');
  });

  it('routes each outbox row to the daily partition its UUIDv7 event id falls in', async () => {
    const [today] = await adminQuery<{ part: string }>(
      `SELECT format('outbox_p%s', to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD')) AS part`,
    );
    const [floor] = await adminQuery<{ id: string }>(
      "SELECT holdline_uuid7_floor((now() AT TIME ZONE 'UTC')::date) AS id",
    );
    // A v7 id from the first millisecond of today lands in today's partition, not the default one.
    const eventId = `${floor!.id.slice(0, 14)}7000-8000-000000000001`;
    await adminQuery(
      `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload)
       VALUES ($1, 'order', 'x', 1, 'Test', '{}')`,
      [eventId],
    );
    const [row] = await adminQuery<{ part: string }>(
      'SELECT tableoid::regclass::text AS part FROM outbox WHERE event_id = $1',
      [eventId],
    );
    expect(row?.part).toBe(today!.part);
    await adminQuery('DELETE FROM outbox WHERE event_id = $1', [eventId]);
  });

  it('rejects a second outbox row with the same event id', async () => {
    const id = '01a20000-0000-7000-8000-0000000000aa';
    const insert = `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload)
                    VALUES ($1, 'order', 'x', 1, 'Test', '{}')`;
    await adminQuery(insert, [id]);
    await expect(adminQuery(insert, [id])).rejects.toThrow(/duplicate key/);
    await adminQuery('DELETE FROM outbox WHERE event_id = $1', [id]);
  });

  it('publishes the partitioned outbox through its root table', async () => {
    const pubs = await adminQuery<{ pubname: string; pubviaroot: boolean }>(
      "SELECT pubname, pubviaroot FROM pg_publication WHERE pubname LIKE 'holdline_%' ORDER BY 1",
    );
    expect(pubs).toEqual([
      { pubname: 'holdline_orders', pubviaroot: false },
      { pubname: 'holdline_outbox', pubviaroot: true },
      { pubname: 'holdline_rules', pubviaroot: false },
    ]);
  });

  it('publishes what the change rules need, derived from them', async () => {
    const tables = await adminQuery<{ tablename: string; attnames: string[] | null }>(
      "SELECT tablename, attnames::text[] AS attnames FROM pg_publication_tables WHERE pubname = 'holdline_rules' ORDER BY 1",
    );
    expect(tables.map((t) => t.tablename)).toEqual([
      'customers',
      'debezium_heartbeat',
      'orders',
      'report_requests',
    ]);
    // An insert-only rule reads three columns: only those are published.
    expect(tables.find((t) => t.tablename === 'report_requests')?.attnames).toEqual([
      'id',
      'customer_id',
      'requested_by',
    ]);
    const identity = await adminQuery<{ relname: string; relreplident: string }>(
      "SELECT relname, relreplident FROM pg_class WHERE relname IN ('customers', 'report_requests') ORDER BY 1",
    );
    // Rules read old values of customers (audit, changed columns): FULL; report_requests keeps the default.
    expect(identity).toEqual([
      { relname: 'customers', relreplident: 'f' },
      { relname: 'report_requests', relreplident: 'd' },
    ]);
  });

  it('publishes the signal table to the orders connector alone, which reads snapshot signals from the WAL', async () => {
    const rows = await adminQuery<{ pubname: string }>(
      "SELECT pubname FROM pg_publication_tables WHERE tablename = 'debezium_signal' ORDER BY 1",
    );
    expect(rows).toEqual([{ pubname: 'holdline_orders' }]);
  });

  it('lets the CDC role send a snapshot signal, and the app role not', async () => {
    const signal = `INSERT INTO debezium_signal (id, type, data)
      VALUES ('migrations-test', 'execute-snapshot', '{"data-collections":["public.orders"],"type":"incremental"}')`;
    const cdc = new pg.Client({ connectionString: process.env.HOLDLINE_CDC_DATABASE_URL });
    const app = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await cdc.connect();
    await app.connect();
    try {
      // Rolled back: a committed signal would start a snapshot on any connector running against this database.
      await cdc.query('BEGIN');
      await expect(cdc.query(signal)).resolves.toMatchObject({ rowCount: 1 });
      await cdc.query('ROLLBACK');
      await expect(app.query(signal)).rejects.toThrow(/permission denied/);
    } finally {
      await cdc.end();
      await app.end();
    }
  });

  it('runs with logical WAL and a cap on what a slot may retain', async () => {
    const settings = await adminQuery<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'max_slot_wal_keep_size') ORDER BY 1",
    );
    expect(settings).toEqual([
      // The same cap the RDS parameter group gets.
      { name: 'max_slot_wal_keep_size', setting: String(config.maxSlotWalKeepSizeMb) },
      { name: 'wal_level', setting: 'logical' },
    ]);
  });
});
