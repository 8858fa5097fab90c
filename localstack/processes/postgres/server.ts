import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { type ManagedProcess, spawnLogged, waitUntil } from '../../lib/process.ts';
import { type PostgresBinaries, projectPostgres } from './binaries.ts';
import { chownTree, ensureServerUser, makeReachable } from './server-user.ts';
import { type PostgresSettings, serverFlags } from './settings.ts';

export const superuser = 'postgres';
export const localPassword = 'holdline-local';

export interface PostgresServer {
  readonly port: number;
  /** Superuser URL for migrations and drills. */
  readonly adminUrl: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** Runs `initdb` once for `dataDir` (idempotent), as the server user when we are root. */
export function initCluster(
  dataDir: string,
  options: { waldir?: string; binaries?: PostgresBinaries } = {},
): void {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const user = ensureServerUser();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const pwfile = join(dirname(dataDir), 'pwfile');
  writeFileSync(pwfile, `${localPassword}\n`);
  chownTree(dirname(dataDir), user);
  makeReachable(dataDir, user);
  if (options.waldir) chownTree(options.waldir, user);
  const args = ['-D', dataDir, '-U', superuser, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8'];
  if (options.waldir) args.push(`--waldir=${options.waldir}`);
  execFileSync((options.binaries ?? projectPostgres).initdb, args, {
    stdio: 'pipe',
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  rmSync(pwfile);
}

/** Starts the local primary on `port` and waits until it accepts connections. */
export async function startPostgres(
  dataDir: string,
  port: number,
  settings: PostgresSettings,
  options: { name?: string; waldir?: string; binaries?: PostgresBinaries } = {},
): Promise<PostgresServer> {
  initCluster(dataDir, options);
  const user = ensureServerUser();
  chownTree(dataDir, user);
  const proc = spawnLogged(
    options.name ?? 'postgres',
    (options.binaries ?? projectPostgres).postgres,
    ['-D', dataDir, ...serverFlags(port, settings)],
    { ...(user ? { uid: user.uid, gid: user.gid } : {}) },
  );
  const adminUrl = `postgres://${superuser}:${localPassword}@127.0.0.1:${port}/postgres`;
  await waitUntil('postgres', proc.logFile, async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.end();
    return true;
  });
  return {
    port,
    adminUrl,
    process: proc,
    // SIGTERM = "smart" shutdown waits for clients; SIGINT = "fast" shutdown, what a stop button wants.
    stop: async () => {
      proc.child.kill('SIGINT');
      await proc.stop(15_000);
    },
  };
}
