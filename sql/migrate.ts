import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { captureSql, ruleCapture } from '../cdk/lib/change-rules/index.ts';
import { libpqCompatible } from '../tools/db/connection.ts';

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Applies every pending migration in `sql/migrations` (node-pg-migrate, SQL files), then the capture the change
 * rules need (`applyRuleCapture`). Returns the names of the migrations applied.
 */
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
  await applyRuleCapture(databaseUrl, log);
  return applied.map((m) => m.name);
}

/**
 * Puts the change rules' capture in place (cdk/lib/change-rules): the `holdline_rules` publication's tables and
 * columns, REPLICA IDENTITY FULL where a rule reads old values. Derived from the rules, so adding a rule needs
 * no migration; idempotent, in one transaction, run after every migration.
 */
export async function applyRuleCapture(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<void> {
  const statements = captureSql(ruleCapture().plan);
  const client = new pg.Client({ connectionString: libpqCompatible(databaseUrl) });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
    log(`change-rule capture: ${statements.length} statements`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is required, e.g. the "postgres" URL that `npm run local:up` prints');
  const names = await migrate(url, console.log);
  console.log(names.length ? `applied ${names.join(', ')}` : 'nothing to apply');
}
