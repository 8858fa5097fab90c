import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../lambdas/test/db.ts';
import { type DbRole, dbRoleNames, dbRoles } from './roles.ts';

// Each Lambda's login against the globalSetup Postgres (migrated as the local superuser), exactly as the Lambda
// signs in: what each job may do, and — the point — what it may not (migration 0060).
const urls: Record<DbRole, string | undefined> = {
  app: process.env.DATABASE_URL,
  consumer: process.env.HOLDLINE_CONSUMER_DATABASE_URL,
  monitor: process.env.HOLDLINE_MONITOR_DATABASE_URL,
  reaper: process.env.HOLDLINE_REAPER_DATABASE_URL,
  cdc: process.env.HOLDLINE_CDC_DATABASE_URL,
};
const clients = new Map<DbRole, pg.Client>();
const as = (role: DbRole): pg.Client => {
  const client = clients.get(role);
  if (!client) throw new Error(`no connection as ${role}`);
  return client;
};
const denied = /permission denied/;

const orderId = '01900000-0000-7000-8000-00000000f00d';

beforeAll(async () => {
  for (const role of Object.keys(urls) as DbRole[]) {
    const client = new pg.Client({ connectionString: urls[role] });
    await client.connect();
    clients.set(role, client);
  }
  await adminQuery(
    `INSERT INTO orders (id, customer_id, currency, total_cents, items)
     VALUES ($1, 'least-privilege', 'EUR', 500, '[{"sku":"LP-1","quantity":1,"unitPriceCents":500}]')
     ON CONFLICT (id) DO NOTHING`,
    [orderId],
  );
});
afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.end()));
  await adminQuery('DELETE FROM orders WHERE id = $1', [orderId]);
});

describe('database logins (least privilege)', () => {
  it('has every login of sql/roles.ts, and only the CDC role may replicate', async () => {
    const rows = await adminQuery<{ rolname: string; rolcanlogin: boolean; rolreplication: boolean }>(
      'SELECT rolname, rolcanlogin, rolreplication FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1',
      [dbRoleNames],
    );
    expect(rows).toEqual(
      [...dbRoleNames].sort().map((rolname) => ({
        rolname,
        rolcanlogin: true,
        rolreplication: rolname === dbRoles.cdc,
      })),
    );
  });

  it('gives pg_monitor to the slot monitor alone', async () => {
    const rows = await adminQuery<{ rolname: string }>(
      "SELECT rolname FROM pg_roles WHERE rolname = ANY($1) AND pg_has_role(rolname, 'pg_monitor', 'member')",
      [dbRoleNames],
    );
    expect(rows.map((r) => r.rolname)).toEqual([dbRoles.monitor]);
    await expect(as('monitor').query('SELECT count(*) FROM pg_ls_waldir()')).resolves.toBeDefined();
  });

  it('keeps the API login out of pg_wal and out of other sessions’ queries and replication state', async () => {
    await expect(as('app').query('SELECT count(*) FROM pg_ls_waldir()')).rejects.toThrow(denied);
    // The monitor's own session, seen by the API: its query text is withheld, as is any walsender's position.
    await as('monitor').query("SELECT 'monitor-session-marker'");
    const { rows } = await as('app').query<{ query: string }>(
      'SELECT query FROM pg_stat_activity WHERE usename = $1',
      [dbRoles.monitor],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.query === '<insufficient privilege>')).toBe(true);
    const replication = await as('app').query<{ sent_lsn: string | null }>(
      'SELECT sent_lsn FROM pg_stat_replication',
    );
    expect(replication.rows.every((r) => r.sent_lsn === null)).toBe(true);
  });

  it('lets the slot monitor read no table', async () => {
    await expect(as('monitor').query('SELECT count(*) FROM orders')).rejects.toThrow(denied);
    await expect(as('monitor').query('SELECT count(*) FROM outbox')).rejects.toThrow(denied);
  });

  it('lets the API place and read orders but change none', async () => {
    await expect(as('app').query('SELECT id FROM orders WHERE id = $1', [orderId])).resolves.toBeDefined();
    await expect(
      as('app').query("UPDATE orders SET status = 'confirmed' WHERE id = $1", [orderId]),
    ).rejects.toThrow(denied);
  });

  it('lets the consumer login write what a transition writes and no other column of an order', async () => {
    const transition = await as('consumer').query(
      `UPDATE orders SET status = 'pending', version = version + 1, updated_at = now(), payment_requested_at = now()
       WHERE id = $1`,
      [orderId],
    );
    expect(transition.rowCount).toBe(1);
    for (const column of [
      'total_cents = 1',
      "currency = 'USD'",
      "customer_id = 'someone-else'",
      "items = '[]'",
    ]) {
      await expect(
        as('consumer').query(`UPDATE orders SET ${column} WHERE id = $1`, [orderId]),
      ).rejects.toThrow(denied);
    }
    await expect(as('consumer').query('DELETE FROM orders WHERE id = $1', [orderId])).rejects.toThrow(denied);
  });

  it('lets only the reaper login execute the reaper function', async () => {
    const reap = "SELECT * FROM outbox_reap_partitions(365, '100 milliseconds')";
    for (const role of ['app', 'consumer', 'monitor', 'cdc'] as const)
      await expect(as(role).query(reap), role).rejects.toThrow(/permission denied for function/);
    await expect(as('reaper').query(reap)).resolves.toBeDefined();
    // And nothing else: the reaper reads no table.
    await expect(as('reaper').query('SELECT count(*) FROM outbox')).rejects.toThrow(denied);
  });
});
