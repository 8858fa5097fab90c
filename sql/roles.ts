/**
 * The login roles the migrations create (0001, 0060), one per job, so a leaked credential or an injected query
 * can do only what that job needs. Passwords are set outside migrations: `npm run set-role-password` in AWS
 * (from each role's Secrets Manager secret), `prepareDatabase` locally. The SQL spells the same names; the
 * integration tests check that the two agree.
 */
export const dbRoles = {
  /** The order API (and the polling relay): inserts and reads orders and outbox rows, changes no order. */
  app: 'holdline_app',
  /** The payment consumer and the reconciler: state transitions, column-level UPDATE of what they write. */
  consumer: 'holdline_consumer',
  /** The slot monitor: `pg_monitor`, and no table at all. */
  monitor: 'holdline_monitor',
  /** The outbox reaper: may execute `outbox_reap_partitions()` and nothing else. */
  reaper: 'holdline_reaper',
  /** Debezium: replication and SELECT on the captured tables. */
  cdc: 'holdline_cdc',
} as const;

export type DbRole = keyof typeof dbRoles;
export type DbRoleName = (typeof dbRoles)[DbRole];

/** Every login role, in a stable order. */
export const dbRoleNames: readonly DbRoleName[] = Object.values(dbRoles);

/** The master user RDS creates for the instance or cluster; it runs the migrations. */
export const dbMasterUser = 'holdline_admin';
