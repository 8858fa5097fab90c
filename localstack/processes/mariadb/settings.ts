/**
 * Server settings for a local MariaDB that Debezium captures from its binlog: the ones the MariaDB connector
 * requires (Debezium 3.6 `connectors/mariadb.adoc`), and a few that make a throwaway instance quick.
 */
export interface MariaDbSettings {
  /** `server_id`: unique among the servers and binlog clients of one replication topology. Default 1. */
  serverId: number;
  /** `binlog_format`: the connector needs `ROW`. Anything else is for the preflight test. */
  binlogFormat: 'ROW' | 'MIXED' | 'STATEMENT';
  /** How long the server keeps binlog files: a connector down longer than this must re-snapshot. Default 1 day. */
  binlogExpireSeconds: number;
  /** Extra `--name=value` flags, e.g. for drills. */
  extra?: Record<string, string>;
}

export const defaultMariaDbSettings: MariaDbSettings = {
  serverId: 1,
  binlogFormat: 'ROW',
  binlogExpireSeconds: 86_400,
};

/** The flags `mariadbd` starts with (after `--no-defaults`, which must come first). */
export function serverFlags(
  paths: { dataDir: string; socket: string; initFile: string },
  port: number,
  settings: MariaDbSettings,
): string[] {
  const values: Record<string, string> = {
    datadir: paths.dataDir,
    socket: paths.socket,
    'pid-file': `${paths.dataDir}/mariadbd.pid`,
    port: String(port),
    'bind-address': '127.0.0.1',
    // Accounts are matched by address, never by a reverse lookup of 127.0.0.1.
    'skip-name-resolve': 'ON',
    // Creates the admin account on every start (idempotent SQL), so no password is ever typed at a prompt.
    'init-file': paths.initFile,
    // Binlog capture: every change as full before/after row images, with GTIDs (always on in MariaDB;
    // strict mode refuses out-of-order GTIDs, which a read-only incremental snapshot relies on).
    'log-bin': `${paths.dataDir}/binlog`,
    'binlog-format': settings.binlogFormat,
    'binlog-row-image': 'FULL',
    'server-id': String(settings.serverId),
    'gtid-strict-mode': 'ON',
    'binlog-expire-logs-seconds': String(settings.binlogExpireSeconds),
    // Timestamps as UTC, so the view's ISO strings compare with the rows' own.
    'default-time-zone': '+00:00',
    'character-set-server': 'utf8mb4',
    'collation-server': 'utf8mb4_unicode_ci',
    // A local throwaway instance: the host's disk durability is not what the drills measure (as Postgres fsync=off).
    'innodb-flush-log-at-trx-commit': '2',
    'sync-binlog': '0',
    'innodb-buffer-pool-size': '256M',
    'max-connections': '200',
    ...settings.extra,
  };
  return Object.entries(values).map(([name, value]) => `--${name}=${value}`);
}
