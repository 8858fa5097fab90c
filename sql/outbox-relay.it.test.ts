import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Migrations 0007 and 0040 against the globalSetup Postgres. Each case opens its own app session after choosing
// the mode (a one-row table, and the column default outbox_use_relay sets with it), and the mode is put back to
// cdc after.
describe('outbox relay mode (migrations 0007, 0040)', () => {
  let admin: pg.Client;
  const appSession = async () => {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    return c;
  };
  const insert = (c: pg.Client, id: string) =>
    c.query(
      `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload)
       VALUES ($1, 'order', 'mode-test', 1, 'OrderPlaced', '{}') RETURNING published_at`,
      [id],
    );

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.HOLDLINE_ADMIN_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.query("SELECT outbox_use_relay('cdc')");
    await admin.query("DELETE FROM outbox WHERE aggregate_id = 'mode-test'");
    await admin.end();
  });

  it('under cdc (the default) writes rows already sent, so they never enter the unsent indexes', async () => {
    await admin.query("SELECT outbox_use_relay('cdc')");
    const app = await appSession();
    const { rows } = await insert(app, uuidv7());
    await app.end();
    expect(rows[0].published_at).toBe(Number.NEGATIVE_INFINITY);
  });

  it('under polling writes rows unsent', async () => {
    await admin.query("SELECT outbox_use_relay('polling')");
    const app = await appSession();
    const { rows } = await insert(app, uuidv7());
    await app.end();
    expect(rows[0].published_at).toBeNull();
  });

  it('reads no table per insert: the default is the mode as a constant, also for a session opened before', async () => {
    const defaultOf = async () =>
      (
        await admin.query(
          `SELECT pg_get_expr(d.adbin, d.adrelid) AS expr FROM pg_attrdef d
           JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
           WHERE d.adrelid = 'outbox'::regclass AND a.attname = 'published_at'`,
        )
      ).rows[0]?.expr ?? null;
    await admin.query("SELECT outbox_use_relay('cdc')");
    const before = await appSession();
    expect(await defaultOf()).toBe("'-infinity'::timestamp with time zone");
    await admin.query("SELECT outbox_use_relay('polling')");
    expect(await defaultOf()).toBeNull();
    const { rows } = await insert(before, uuidv7());
    await before.end();
    expect(rows[0].published_at).toBeNull();
  });

  it('lets the app role set the sent marker but change nothing else of an event', async () => {
    const app = await appSession();
    const id = uuidv7();
    await insert(app, id);
    await app.query('UPDATE outbox SET published_at = now() WHERE event_id = $1', [id]);
    await expect(
      app.query('UPDATE outbox SET payload = \'{"x":1}\' WHERE event_id = $1', [id]),
    ).rejects.toThrow(/permission denied/);
    await app.end();
  });

  it('refuses an unknown relay mode', async () => {
    await expect(admin.query("SELECT outbox_use_relay('both')")).rejects.toThrow(/cdc or polling/);
  });
});
