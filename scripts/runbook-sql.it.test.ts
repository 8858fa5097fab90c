import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { fromRepoRoot } from '../cdk/lib/paths.ts';
import { stateDir } from '../localstack/lib/paths.ts';
import { freePort } from '../localstack/lib/process.ts';
import {
  type OlderMajor,
  olderPostgres,
  olderPostgresBinaries,
} from '../localstack/processes/postgres/binaries.ts';
import { prepareDatabase } from '../localstack/processes/postgres/database.ts';
import { type PostgresServer, startPostgres } from '../localstack/processes/postgres/server.ts';
import { defaultPostgresSettings } from '../localstack/processes/postgres/settings.ts';
import {
  fillPlaceholders,
  type Placeholder,
  type RunbookQuery,
  type RunbookRole,
  runbookQueries,
  withoutComments,
} from './runbook-sql/blocks.ts';

// Every ```sql block of docs/runbooks/*.md, read from the files (so the runbooks and this test cannot drift), run
// on PostgreSQL 17 (the integration project's server) and on 15 and 16 (servers of their own, from the same npm
// package at those majors), each as the role its first line names. Placeholders get probes this test made:
// - <slot>: a logical slot created for the run — `pg_drop_replication_slot` really drops it;
// - <pid>: a session of the app role left idle in a transaction holding an xid — the long-transaction query must
//   list it, and `pg_terminate_backend` really ends it;
// - <gid>/<owner>: a prepared transaction of the app role where the server allows them (15 and 16 here, started
//   with max_prepared_transactions = 4), really rolled back; on 17 (the default 0, like RDS) no transaction can
//   be prepared, so ROLLBACK PREPARED runs on a gid that does not exist and must fail for that reason alone
//   (SQLSTATE 42704: parsed, planned, executed up to the look-up).
// Blocks that change rows (the offset DELETEs) run inside a transaction that is rolled back: a dry run that still
// parses, plans and executes them with the role's rights. The offset tables are Debezium's; where no connector
// has made them yet, the test makes them as the CDC role, the way Debezium would, and drops them afterwards.
const queries = runbookQueries(fromRepoRoot('docs/runbooks'));

interface Target {
  major: number;
  /** Superuser URLs (server, holdline database) and the runbook roles' URLs. */
  admin: string;
  app: string;
  monitor: string;
  cdc: string;
  server?: PostgresServer;
  dir?: string;
}

const adminPassword = `admin-${randomBytes(6).toString('hex')}`;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

function asUser(url: string, user: string, password?: string): string {
  const u = new URL(url);
  u.username = user;
  if (password !== undefined) u.password = password;
  return u.toString();
}

async function olderServer(major: OlderMajor): Promise<Target> {
  const dir = mkdtempSync(join(stateDir, `runbook-pg${major}-`));
  chmodSync(dir, 0o755);
  const server = await startPostgres(
    join(dir, 'pg', 'data'),
    await freePort(),
    { ...defaultPostgresSettings, extra: { max_prepared_transactions: '4' } },
    { name: `runbook-postgres-${major}`, binaries: olderPostgresBinaries(major) },
  );
  const urls = await prepareDatabase(server.adminUrl);
  return { major, admin: urls.admin, app: urls.app, monitor: urls.monitor, cdc: urls.cdc, server, dir };
}

async function integrationServer(): Promise<Target> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run this file in the integration project`);
    return value;
  };
  return {
    major: 17,
    admin: env('HOLDLINE_ADMIN_DATABASE_URL'),
    app: env('DATABASE_URL'),
    monitor: env('HOLDLINE_MONITOR_DATABASE_URL'),
    cdc: env('HOLDLINE_CDC_DATABASE_URL'),
  };
}

/** The connectors' offset tables (cdk/lib/constructs/debezium-capture.ts) and Debezium's default DDL for them. */
const offsetTables = ['cdc.debezium_offset_storage', 'cdc.debezium_offset_storage_orders'];
const offsetTableDdl = (table: string) =>
  `CREATE TABLE ${table} (id varchar(36) NOT NULL, offset_key varchar(1255), offset_val varchar(1255), record_insert_ts timestamp NOT NULL, record_insert_seq integer NOT NULL)`;

interface Probes {
  values: Record<Placeholder, string>;
  slot: string;
  pid: number;
  gid: string | undefined;
  idle: pg.Client;
}

/** Runs the whole runbook set on one server, returning what each statement answered. */
async function runAll(target: Target) {
  const tag = randomBytes(4).toString('hex');
  const admin = await connect(target.admin);
  const clients: pg.Client[] = [];
  // The RDS master stand-in: no superuser, and what rds_superuser carries for these fixes (pg_signal_backend,
  // pg_monitor). Made here, dropped afterwards, on every server alike.
  const madeAdmin =
    (await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = 'holdline_admin'`)).rowCount === 0;
  if (madeAdmin) {
    await admin.query(`CREATE ROLE holdline_admin LOGIN NOSUPERUSER PASSWORD '${adminPassword}'`);
    await admin.query('GRANT pg_signal_backend, pg_monitor TO holdline_admin');
  }
  const urls: Record<Exclude<RunbookRole, '<owner>'>, string> = {
    holdline_app: target.app,
    holdline_monitor: target.monitor,
    holdline_cdc: target.cdc,
    holdline_admin: asUser(target.admin, 'holdline_admin', adminPassword),
  };
  const answers: Array<{ query: RunbookQuery; statement: string; rows: Record<string, unknown>[] }> = [];
  const madeTables: string[] = [];
  let probes: Probes | undefined;
  try {
    // The slot first: creating a logical slot waits for every transaction holding an xid, the probes below too.
    const slot = `runbook_probe_${tag}`;
    const cdc = await connect(target.cdc);
    await cdc.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [slot]);
    await cdc.end();
    const maxPrepared = Number(
      (await admin.query<{ v: string }>(`SELECT current_setting('max_prepared_transactions') AS v`)).rows[0]!
        .v,
    );
    let gid: string | undefined;
    if (maxPrepared > 0) {
      gid = `runbook-probe-${tag}`;
      const owner = await connect(target.app);
      await owner.query('BEGIN');
      await owner.query('SELECT pg_current_xact_id()');
      await owner.query(`PREPARE TRANSACTION '${gid}'`);
      await owner.end();
    }
    // Debezium makes its offset tables, as the CDC role, on its first start; where none has started, make them the
    // same way (and drop them afterwards), so the runbook's DELETEs meet the owner and rights they will in AWS.
    const cdcOwner = await connect(target.cdc);
    clients.push(cdcOwner);
    for (const table of offsetTables)
      if ((await cdcOwner.query('SELECT to_regclass($1) AS t', [table])).rows[0]?.t === null) {
        await cdcOwner.query(offsetTableDdl(table));
        madeTables.push(table);
      }
    const idle = await connect(target.app);
    clients.push(idle);
    idle.on('error', () => {}); // it is terminated on purpose
    await idle.query('BEGIN');
    await idle.query('SELECT pg_current_xact_id()');
    const pid = Number((await idle.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    probes = {
      slot,
      pid,
      gid,
      idle,
      values: { '<slot>': `${slot}`, '<pid>': String(pid), '<gid>': gid ?? `runbook-probe-absent-${tag}` },
    };

    for (const query of queries) {
      const client = await connect(urls[query.role === '<owner>' ? 'holdline_app' : query.role]);
      clients.push(client);
      const changesRows = query.statements.some((s) => /^(DELETE|UPDATE|INSERT)\b/i.test(withoutComments(s)));
      try {
        if (changesRows) await client.query('BEGIN');
        for (const statement of query.statements) {
          const sql = fillPlaceholders(statement, probes.values);
          try {
            const result = await client.query(sql);
            answers.push({ query, statement, rows: result.rows });
          } catch (error) {
            const absentGid = gid === undefined && /ROLLBACK PREPARED/i.test(withoutComments(statement));
            if (absentGid && (error as { code?: string }).code === '42704') {
              answers.push({ query, statement, rows: [] });
              continue;
            }
            throw new Error(
              `${query.file}:${query.line} as ${query.role} on PostgreSQL ${target.major}: ${(error as Error).message}\n${sql}`,
            );
          }
        }
      } finally {
        if (changesRows) await client.query('ROLLBACK').catch(() => {});
        await client.end();
      }
    }

    // What the fixes did to the probes, seen by the superuser.
    let remaining = 1;
    for (let i = 0; i < 50 && remaining > 0; i++) {
      remaining = (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount ?? 0;
      if (remaining > 0) await sleep(100);
    }
    const after = {
      backendGone: remaining === 0,
      slotGone:
        (await admin.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).rowCount === 0,
      preparedGone:
        gid === undefined ||
        (await admin.query('SELECT 1 FROM pg_prepared_xacts WHERE gid = $1', [gid])).rowCount === 0,
    };
    return { answers, probes, after };
  } finally {
    for (const c of clients) await c.end().catch(() => {});
    // Leave nothing behind if a statement failed before its fix ran.
    if (probes) {
      await admin.query('SELECT pg_terminate_backend($1)', [probes.pid]).catch(() => {});
      await admin
        .query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [
          probes.slot,
        ])
        .catch(() => {});
      if (probes.gid) await admin.query(`ROLLBACK PREPARED '${probes.gid}'`).catch(() => {});
    }
    for (const table of madeTables) await admin.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    if (madeAdmin) await admin.query('DROP ROLE IF EXISTS holdline_admin').catch(() => {});
    await admin.end();
  }
}

const olderMajors = Object.keys(olderPostgres).map(Number) as OlderMajor[];
const started: Target[] = [];

afterAll(async () => {
  for (const t of started) {
    await t.server?.stop();
    if (t.dir) rmSync(t.dir, { recursive: true, force: true });
  }
});

describe('runbook SQL (docs/runbooks/*.md)', () => {
  it('finds the runbook queries, each naming its role', () => {
    expect(queries.length).toBeGreaterThanOrEqual(8);
    expect(new Set(queries.map((q) => q.file))).toContain('docs/runbooks/slot-lag.md');
  });

  it.each([17, ...olderMajors])(
    'runs every query on PostgreSQL %i as the role it names, and the fixes act on the probes',
    async (major) => {
      const target = major === 17 ? await integrationServer() : await olderServer(major as OlderMajor);
      started.push(target);
      const admin = await connect(target.admin);
      const version = Number(
        (await admin.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]!.v,
      );
      await admin.end();
      expect(Math.floor(version / 10000)).toBe(major);

      const { answers, probes, after } = await runAll(target);
      expect(answers.length).toBe(queries.reduce((n, q) => n + q.statements.length, 0));
      // The slot query lists the probe slot, with the 17-only columns present (NULL before 17).
      const slotRow = answers
        .flatMap((a) => a.rows)
        .find((r) => r.slot_name === probes.slot && 'invalidation_reason' in r);
      expect(slotRow).toMatchObject({ active: false, wal_status: 'reserved', invalidation_reason: null });
      // The long-transaction query names the idle session and says it holds an xid.
      expect(answers.flatMap((a) => a.rows)).toContainEqual(
        expect.objectContaining({ pid: probes.pid, holds_xid: true, state: 'idle in transaction' }),
      );
      expect(after).toEqual({ backendGone: true, slotGone: true, preparedGone: true });
    },
    180_000,
  );
});
