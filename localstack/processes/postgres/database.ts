import pg from 'pg';
import { migrate } from '../../../sql/migrate.ts';
import { type DbRole, dbRoles } from '../../../sql/roles.ts';
import { localPassword } from './server.ts';

export const databaseName = 'holdline';

/**
 * Owner/superuser (`admin`: migrations, drills) and one URL per login role of sql/roles.ts: `app` for the API,
 * `consumer` for the payment consumer and the reconciler, `monitor` for the slot monitor, `reaper` for the outbox
 * reaper, `cdc` for Debezium. The local runtime logs each function in as the role its secret names, as in AWS.
 */
export type DatabaseUrls = { admin: string } & Record<DbRole, string>;

function withCredentials(url: string, user: string, password: string, database: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates the `holdline` database if needed, applies migrations, and gives every login role its local password. */
export async function prepareDatabase(
  serverAdminUrl: string,
  log: (line: string) => void = () => {},
): Promise<DatabaseUrls> {
  const server = new pg.Client({ connectionString: serverAdminUrl });
  await server.connect();
  try {
    const exists = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    if (exists.rowCount === 0) await server.query(`CREATE DATABASE ${databaseName}`);
  } finally {
    await server.end();
  }
  const admin = withCredentials(
    serverAdminUrl,
    new URL(serverAdminUrl).username,
    decodeURIComponent(new URL(serverAdminUrl).password),
    databaseName,
  );
  await migrate(admin, log);
  const db = new pg.Client({ connectionString: admin });
  await db.connect();
  try {
    for (const role of Object.values(dbRoles))
      await db.query(`ALTER ROLE ${role} PASSWORD '${localPassword}'`);
    await db.query('SELECT outbox_ensure_partitions()');
  } finally {
    await db.end();
  }
  const logins = Object.entries(dbRoles).map(([role, name]) => [
    role,
    withCredentials(admin, name, localPassword, databaseName),
  ]);
  return { admin, ...(Object.fromEntries(logins) as Record<DbRole, string>) };
}
