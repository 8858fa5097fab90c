import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../../localstack/lib/paths.ts';
import { freePort } from '../../localstack/lib/process.ts';
import { type MariaDbLogins, prepareMariaDb } from '../../localstack/processes/mariadb/database.ts';
import { type MariaDbServer, startMariaDb } from '../../localstack/processes/mariadb/server.ts';
import { defaultMariaDbSettings, type MariaDbSettings } from '../../localstack/processes/mariadb/settings.ts';

export interface ThrowawayMariaDb {
  server: MariaDbServer;
  logins: MariaDbLogins;
  /** Stops the server and deletes its data. */
  dispose(): Promise<void>;
}

/**
 * A prepared MariaDB of the drill's own (orders table, CDC and app users), gone after `dispose()`. `port` 0 takes
 * a free one (`HOLDLINE_MARIADB_PORT` pins it, read by the caller through localstack/config.ts).
 */
export async function throwawayMariaDb(
  name: string,
  options: { port?: number; settings?: Partial<MariaDbSettings> } = {},
): Promise<ThrowawayMariaDb> {
  const dir = join(stateDir, 'drills', name, 'mariadb');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The server runs as an unprivileged user when we are root: it must reach its data directory.
  chmodSync(dir, 0o755);
  const server = await startMariaDb(
    join(dir, 'data'),
    options.port || (await freePort()),
    { ...defaultMariaDbSettings, ...options.settings },
    { name: `drill-${name}-mariadb` },
  );
  try {
    const logins = await prepareMariaDb(server);
    return {
      server,
      logins,
      dispose: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
