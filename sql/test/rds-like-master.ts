import pg from 'pg';

/** The master user RDS creates for the instance: `Credentials.fromGeneratedSecret` in cdk/lib/constructs/rds-postgres.ts. */
export const rdsMasterUser = 'holdline_admin';

/**
 * What RDS for PostgreSQL (15–17) grants its `rds_superuser`, with ADMIN OPTION so the master may pass them on
 * (`GRANT rds_replication TO …`, `GRANT pg_monitor TO …` are how the RDS docs tell users to grant them).
 * Roles a server version lacks are skipped.
 */
const rdsSuperuserGrants = [
  'pg_monitor',
  'pg_signal_backend',
  'pg_checkpoint',
  'pg_use_reserved_connections',
  'pg_create_subscription',
  'rds_replication',
  'rds_password',
];

/**
 * Sets up a fresh cluster the way RDS does before anyone connects: the `rds_*` roles, a master that is no
 * superuser but has CREATEROLE and CREATEDB and is a member of `rds_superuser`, and a database it owns.
 * `rds_replication` only names the path: locally it carries no replication right (RDS's is in its own code).
 * Returns the master's URL for `database`.
 */
export async function createRdsLikeMaster(
  superuserUrl: string,
  database: string,
  password: string,
): Promise<string> {
  const db = new pg.Client({ connectionString: superuserUrl });
  await db.connect();
  try {
    for (const role of ['rds_superuser', 'rds_replication', 'rds_password'])
      await db.query(`CREATE ROLE ${role} NOLOGIN`);
    const { rows } = await db.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])',
      [rdsSuperuserGrants],
    );
    for (const { rolname } of rows) await db.query(`GRANT ${rolname} TO rds_superuser WITH ADMIN OPTION`);
    await db.query(
      `CREATE ROLE ${rdsMasterUser} LOGIN NOSUPERUSER CREATEROLE CREATEDB NOREPLICATION PASSWORD '${password}'`,
    );
    await db.query(`GRANT rds_superuser TO ${rdsMasterUser}`);
    await db.query(`CREATE DATABASE ${database} OWNER ${rdsMasterUser}`);
  } finally {
    await db.end();
  }
  const url = new URL(superuserUrl);
  url.username = rdsMasterUser;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}
