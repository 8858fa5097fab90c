import pg from 'pg';
import { migrate } from '../../../sql/migrate.ts';
import { localPassword } from './server.ts';

export const databaseName = 'holdline';

export interface DatabaseUrls {
  /** Owner/superuser: migrations, drills. */
  admin: string;
  /** What the Lambdas use: no REPLICATION, DML on orders and outbox only. */
  app: string;
  /** What Debezium uses: REPLICATION, SELECT on the captured tables. */
  cdc: string;
}

function withCredentials(url: string, user: string, password: string, database: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates the `holdline` database if needed, applies migrations, and gives the two roles their local passwords. */
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
    for (const role of ['holdline_app', 'holdline_cdc'])
      await db.query(`ALTER ROLE ${role} PASSWORD '${localPassword}'`);
    await db.query('SELECT outbox_ensure_partitions()');
  } finally {
    await db.end();
  }
  return {
    admin,
    app: withCredentials(admin, 'holdline_app', localPassword, databaseName),
    cdc: withCredentials(admin, 'holdline_cdc', localPassword, databaseName),
  };
}
