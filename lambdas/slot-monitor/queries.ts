import type { SqlExecutor } from '../shared/db/sql-client.ts';
import type { OldestTransaction, ServerSnapshot, SlotRow } from './slot-health.ts';

/** PG 17 added `inactive_since` and `invalidation_reason` to pg_replication_slots. */
export const PG17 = 170000;

/**
 * The slot query for a server version. Byte distances are computed by Postgres (pg_wal_lsn_diff) and cast to
 * float8 so both SQL drivers return numbers. On a standby, pg_last_wal_replay_lsn() would replace
 * pg_current_wal_lsn(); the monitor only runs against the primary.
 */
export function slotQuery(serverVersionNum: number): string {
  const pg17 = serverVersionNum >= PG17;
  return `SELECT slot_name, active, wal_status,
       safe_wal_size::float8 AS safe_wal_size,
       pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS retained_bytes,
       pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::float8 AS consumer_lag_bytes,
       restart_lsn::text AS restart_lsn, confirmed_flush_lsn::text AS confirmed_flush_lsn,
       ${pg17 ? 'inactive_since' : 'NULL::timestamptz AS inactive_since'},
       ${pg17 ? 'invalidation_reason' : 'NULL::text AS invalidation_reason'}
FROM pg_replication_slots WHERE slot_type = 'logical' ORDER BY slot_name`;
}

/** The oldest open transaction of another client backend; xid holders first, since only they hold decoding back. */
export const OLDEST_TRANSACTION_QUERY = `SELECT pid, state, backend_xid IS NOT NULL AS holds_xid, left(query, 200) AS query,
       extract(epoch FROM now() - xact_start)::float8 AS age_seconds
FROM pg_stat_activity
WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend'
ORDER BY (backend_xid IS NULL), xact_start LIMIT 1`;

/** max_slot_wal_keep_size in bytes (pg_settings reports MB), or −1. */
export const CAP_QUERY = `SELECT (CASE WHEN setting::bigint < 0 THEN -1 ELSE setting::bigint * 1024 * 1024 END)::float8 AS cap_bytes,
       current_setting('server_version_num')::int AS server_version_num
FROM pg_settings WHERE name = 'max_slot_wal_keep_size'`;

/** Needs pg_monitor (or superuser); not available on Aurora, which keeps no local pg_wal. */
export const PG_WAL_QUERY = 'SELECT coalesce(sum(size), 0)::float8 AS pg_wal_bytes FROM pg_ls_waldir()';

interface SlotDbRow {
  slot_name: string;
  active: boolean;
  wal_status: string | null;
  safe_wal_size: number | null;
  retained_bytes: number | null;
  consumer_lag_bytes: number | null;
  restart_lsn: string | null;
  confirmed_flush_lsn: string | null;
  inactive_since: Date | string | null;
  invalidation_reason: string | null;
}

/** Reads one snapshot of the server: settings, slots, pg_wal size and the oldest transaction. */
export async function readSnapshot(sql: SqlExecutor, now: () => number = Date.now): Promise<ServerSnapshot> {
  const [settings] = await sql.query<{ cap_bytes: number; server_version_num: number }>(CAP_QUERY);
  const serverVersionNum = Number(settings?.server_version_num ?? 0);
  const capBytes = settings && Number(settings.cap_bytes) >= 0 ? Number(settings.cap_bytes) : null;
  const slots = (await sql.query<SlotDbRow>(slotQuery(serverVersionNum))).map(toSlotRow);
  let pgWalBytes: number | null = null;
  try {
    const [wal] = await sql.query<{ pg_wal_bytes: number }>(PG_WAL_QUERY);
    pgWalBytes = wal ? Number(wal.pg_wal_bytes) : null;
  } catch {
    // Permission denied (no pg_monitor) or Aurora: the size is then simply not published.
  }
  const [oldest] = await sql.query<{
    pid: number;
    state: string | null;
    holds_xid: boolean;
    query: string | null;
    age_seconds: number;
  }>(OLDEST_TRANSACTION_QUERY);
  const oldestTransaction: OldestTransaction | null = oldest
    ? {
        pid: Number(oldest.pid),
        state: oldest.state,
        holdsXid: oldest.holds_xid,
        query: oldest.query,
        ageSeconds: Number(oldest.age_seconds),
      }
    : null;
  return { at: now(), serverVersionNum, capBytes, pgWalBytes, oldestTransaction, slots };
}

function num(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

function toSlotRow(r: SlotDbRow): SlotRow {
  return {
    slotName: r.slot_name,
    active: r.active,
    walStatus: r.wal_status,
    safeWalSizeBytes: num(r.safe_wal_size),
    retainedBytes: num(r.retained_bytes),
    consumerLagBytes: num(r.consumer_lag_bytes),
    restartLsn: r.restart_lsn,
    confirmedFlushLsn: r.confirmed_flush_lsn,
    inactiveSince: r.inactive_since === null ? null : new Date(r.inactive_since),
    invalidationReason: r.invalidation_reason,
  };
}
