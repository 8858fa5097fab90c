import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../../localstack/lib/paths.ts';
import { freePort } from '../../localstack/lib/process.ts';
import { type DatabaseUrls, prepareDatabase } from '../../localstack/processes/postgres/database.ts';
import { type PostgresServer, startPostgres } from '../../localstack/processes/postgres/server.ts';
import {
  defaultPostgresSettings,
  type PostgresSettings,
} from '../../localstack/processes/postgres/settings.ts';

export interface ThrowawayPostgres {
  server: PostgresServer;
  urls: DatabaseUrls;
  /** Stops the server and deletes its data. */
  dispose(): Promise<void>;
}

/** A migrated Postgres of the drill's own, on a free port, gone after `dispose()`: drills never touch the demo's. */
export async function throwawayPostgres(
  name: string,
  settings: Partial<PostgresSettings> = {},
): Promise<ThrowawayPostgres> {
  const dir = join(stateDir, 'drills', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const server = await startPostgres(
    join(dir, 'data'),
    await freePort(),
    { ...defaultPostgresSettings, ...settings },
    { name: `drill-${name}-postgres` },
  );
  try {
    const urls = await prepareDatabase(server.adminUrl);
    return {
      server,
      urls,
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
