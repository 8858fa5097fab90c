import { existsSync } from 'node:fs';
import { MariaDbNotInstalledError } from './errors.ts';

/** Where Debian's `mariadb-server` 10.11 puts the programs the local part runs. */
export interface MariaDbBinaries {
  server: string;
  installDb: string;
  client: string;
}

/** The installed binaries; `HOLDLINE_MARIADBD` points at another server build (its tools beside it in PATH). */
export function mariaDbBinaries(env: NodeJS.ProcessEnv = process.env): MariaDbBinaries {
  const binaries = {
    server: env.HOLDLINE_MARIADBD ?? '/usr/sbin/mariadbd',
    installDb: '/usr/bin/mariadb-install-db',
    client: '/usr/bin/mariadb',
  };
  for (const path of Object.values(binaries)) if (!existsSync(path)) throw new MariaDbNotInstalledError(path);
  return binaries;
}
