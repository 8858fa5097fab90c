import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ManagedProcess, spawnLogged, waitUntil } from '../../lib/process.ts';
import { chownTree, ensureServerUser, makeReachable, serverUserName } from '../postgres/server-user.ts';
import { mariaDbBinaries } from './binaries.ts';
import { type MariaDbLogin, mariaDbQuery, sqlString } from './client.ts';
import { type MariaDbSettings, serverFlags } from './settings.ts';

/** The account the local part administers the server with (created by the init file on every start). */
export const adminUser = 'holdline_admin';
export const localPassword = 'holdline-local';

export interface MariaDbServer {
  readonly port: number;
  /** Server-wide admin login (every privilege, on 127.0.0.1 only). */
  readonly admin: MariaDbLogin;
  readonly process: ManagedProcess;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Runs `mariadb-install-db` once for `dataDir` (idempotent), as the unprivileged server user when we are root. */
function initDataDir(dataDir: string): void {
  if (existsSync(join(dataDir, 'mysql'))) return;
  const user = ensureServerUser();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  chownTree(dataDir, user);
  makeReachable(dataDir, user);
  execFileSync(
    mariaDbBinaries().installDb,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      // No test database, no anonymous accounts; root only through the Unix socket of the server user.
      '--skip-test-db',
      '--auth-root-authentication-method=socket',
      ...(user ? [`--user=${serverUserName}`] : []),
    ],
    { stdio: 'pipe' },
  );
  chownTree(dataDir, user);
}

/**
 * Starts a MariaDB server of its own on `dataDir` (bound to 127.0.0.1:`port`, binlog on, see settings.ts) and
 * waits until the admin account can log in over TCP.
 */
export async function startMariaDb(
  dataDir: string,
  port: number,
  settings: MariaDbSettings,
  options: { name?: string } = {},
): Promise<MariaDbServer> {
  initDataDir(dataDir);
  const user = ensureServerUser();
  const initFile = join(dirname(dataDir), 'init.sql');
  writeFileSync(
    initFile,
    [
      `CREATE USER IF NOT EXISTS '${adminUser}'@'127.0.0.1' IDENTIFIED BY ${sqlString(localPassword)};`,
      `GRANT ALL PRIVILEGES ON *.* TO '${adminUser}'@'127.0.0.1' WITH GRANT OPTION;`,
      '',
    ].join('\n'),
  );
  chownTree(dirname(dataDir), user);
  // A socket path must fit in 108 bytes, which a deep data directory may not: it lives in the temp directory.
  const socket = join(tmpdir(), `holdline-mariadb-${port}.sock`);
  const proc = spawnLogged(
    options.name ?? 'mariadb',
    mariaDbBinaries().server,
    ['--no-defaults', ...serverFlags({ dataDir, socket, initFile }, port, settings)],
    { ...(user ? { uid: user.uid, gid: user.gid } : {}) },
  );
  const admin: MariaDbLogin = { port, user: adminUser, password: localPassword };
  try {
    await waitUntil('mariadb', proc.logFile, async () => {
      if (proc.child.exitCode !== null) throw new Error(`mariadbd exited ${proc.child.exitCode}`);
      await mariaDbQuery(admin, 'SELECT 1');
      return true;
    });
  } catch (error) {
    await proc.stop(5000);
    throw error;
  }
  return {
    port,
    admin,
    process: proc,
    dataDir,
    // SIGTERM is MariaDB's normal shutdown: InnoDB flushes, the binlog is closed cleanly.
    stop: () => proc.stop(30_000),
  };
}
