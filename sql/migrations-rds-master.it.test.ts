import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDir } from '../localstack/lib/paths.ts';
import { freePort } from '../localstack/lib/process.ts';
import { type PostgresServer, startPostgres } from '../localstack/processes/postgres/server.ts';
import { defaultPostgresSettings } from '../localstack/processes/postgres/settings.ts';
import { migrate, migrationsDir } from './migrate.ts';
import { dbRoleNames, dbRoles } from './roles.ts';
import { createRdsLikeMaster } from './test/rds-like-master.ts';

// Roles are cluster-wide, so this runs on a cluster of its own: the globalSetup one already has the roles,
// made by a superuser. Here a superuser only sets up what RDS sets up; every migration runs as the master.
describe('migrations under an RDS-like master user (no superuser)', () => {
  const password = 'rds-like-master';
  let dir: string;
  let server: PostgresServer;
  let masterUrl: string;
  let applied: string[];
  const as = async <T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  };
  const urlFor = (user: string) => {
    const u = new URL(masterUrl);
    u.username = user;
    return u.toString();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(stateDir, 'rds-master-'));
    server = await startPostgres(join(dir, 'data'), await freePort(), defaultPostgresSettings, {
      name: 'rds-master-postgres',
    });
    masterUrl = await createRdsLikeMaster(server.adminUrl, 'holdline', password);
    applied = await migrate(masterUrl);
    // Passwords are set outside migrations; the master may, as it created the roles.
    await as(masterUrl, async (c) => {
      for (const role of dbRoleNames) await c.query(`ALTER ROLE ${role} PASSWORD '${password}'`);
    });
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies every migration as a master that is not a superuser', async () => {
    const files = readdirSync(migrationsDir).map((f) => f.replace(/\.sql$/, ''));
    expect(applied).toEqual(files.sort());
    const [master] = await as(
      masterUrl,
      async (c) =>
        (await c.query('SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user')).rows,
    );
    expect(master).toEqual({ rolsuper: false, rolcreaterole: true });
  });

  it('gives the CDC role replication through rds_replication, not the REPLICATION attribute', async () => {
    const rows = await as(
      masterUrl,
      async (c) =>
        (
          await c.query(
            `SELECT rolname, rolreplication, pg_has_role(rolname, 'rds_replication', 'member') AS rds_replication
           FROM pg_roles WHERE rolname IN ('holdline_app', 'holdline_cdc') ORDER BY 1`,
          )
        ).rows,
    );
    expect(rows).toEqual([
      { rolname: 'holdline_app', rolreplication: false, rds_replication: false },
      { rolname: 'holdline_cdc', rolreplication: false, rds_replication: true },
    ]);
  });

  it('gives pg_monitor to the slot monitor alone, and the reaper function to the reaper alone', async () => {
    const rows = await as(
      masterUrl,
      async (c) =>
        (
          await c.query(
            `SELECT rolname, pg_has_role(rolname, 'pg_monitor', 'member') AS monitor,
                    has_function_privilege(rolname, 'outbox_reap_partitions(int, interval)', 'EXECUTE') AS reaper
             FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1`,
            [dbRoleNames],
          )
        ).rows,
    );
    expect(rows).toEqual(
      [...dbRoleNames].sort().map((rolname) => ({
        rolname,
        monitor: rolname === dbRoles.monitor,
        reaper: rolname === dbRoles.reaper,
      })),
    );
    await as(urlFor(dbRoles.monitor), (c) => c.query('SELECT count(*) FROM pg_ls_waldir()'));
  });

  it('lets the CDC role create its offset table in schema cdc', async () => {
    await as(urlFor('holdline_cdc'), (c) =>
      c.query('CREATE TABLE cdc.offsets_probe (id text PRIMARY KEY); DROP TABLE cdc.offsets_probe'),
    );
  });

  it('switches the outbox relay as the master, and app sessions write rows by the chosen mode', async () => {
    const insert = (c: pg.Client) =>
      c.query<{ published_at: unknown }>(
        `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload)
         VALUES (gen_random_uuid(), 'order', 'rds-test', 1, 'OrderPlaced', '{}') RETURNING published_at`,
      );
    await as(masterUrl, (c) => c.query("SELECT outbox_use_relay('polling')"));
    const unsent = await as(urlFor('holdline_app'), insert);
    await as(masterUrl, (c) => c.query("SELECT outbox_use_relay('cdc')"));
    const sent = await as(urlFor('holdline_app'), insert);
    expect([unsent.rows[0]?.published_at, sent.rows[0]?.published_at]).toEqual([
      null,
      Number.NEGATIVE_INFINITY,
    ]);
  });
});
