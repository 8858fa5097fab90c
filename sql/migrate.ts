import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { libpqCompatible } from '../tools/db/connection.ts';

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies every pending migration in `sql/migrations` (node-pg-migrate, SQL files). Returns the names applied. */
export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  const applied = await runner({
    databaseUrl: libpqCompatible(databaseUrl),
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    singleTransaction: true,
    logger: { debug: () => {}, info: log, warn: log, error: log },
  });
  return applied.map((m) => m.name);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is required, e.g. the "postgres" URL that `npm run local:up` prints');
  const names = await migrate(url, console.log);
  console.log(names.length ? `applied ${names.join(', ')}` : 'nothing to apply');
}
