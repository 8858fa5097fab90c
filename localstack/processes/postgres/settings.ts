import { config } from '../../../cdk/lib/config.ts';

/**
 * Server settings for the local primary. The slot-safety ones mirror what the CDK parameter group sets on RDS
 * (`cdk/lib/config.ts` is the source for the cap); the rest make a small local instance behave like a primary.
 */
export interface PostgresSettings {
  /** Retained WAL a slot may pin before Postgres invalidates it instead of filling the disk. Default: the CDK config's cap. */
  maxSlotWalKeepSizeMb: number;
  /** Soft limit between checkpoints. Default 256 MB. */
  maxWalSizeMb: number;
  /** Extra `-c name=value` settings, e.g. for drills. */
  extra?: Record<string, string>;
}

// The slot cap is the one the RDS parameter group gets, read from the CDK config: one value, two places it runs.
export const defaultPostgresSettings: PostgresSettings = {
  maxSlotWalKeepSizeMb: config.maxSlotWalKeepSizeMb,
  maxWalSizeMb: 256,
};

/** The `-c` flags the server starts with. */
export function serverFlags(port: number, settings: PostgresSettings): string[] {
  const values: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    wal_level: 'logical',
    max_replication_slots: '10',
    max_wal_senders: '10',
    max_slot_wal_keep_size: `${settings.maxSlotWalKeepSizeMb}MB`,
    max_wal_size: `${settings.maxWalSizeMb}MB`,
    wal_sender_timeout: `${config.walSenderTimeout.toSeconds()}s`,
    shared_preload_libraries: 'pg_stat_statements',
    max_connections: '200',
    // A local throwaway instance: durability of the host's disk is not what the drills measure.
    fsync: 'off',
    synchronous_commit: 'on',
    unix_socket_directories: '',
    ...settings.extra,
  };
  return Object.entries(values).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}
