import { type MariaDbLogin, mariaDbQuery, sqlString } from './client.ts';
import { localPassword, type MariaDbServer } from './server.ts';

export const mariaDbDatabase = 'holdline';
/** What Debezium connects as: the binlog privileges, SELECT on the captured database, and nothing else. */
export const cdcUser = 'holdline_cdc';
/** What the application connects as: DML on orders, no replication privileges at all. */
export const appUser = 'holdline_app';

export interface MariaDbLogins {
  admin: MariaDbLogin;
  app: MariaDbLogin;
  cdc: MariaDbLogin;
}

/**
 * The `orders` table with the Postgres table's shape (sql/migrations/0002, 0030), in MariaDB types that Debezium
 * writes as the same JSON: uuid → CHAR(36), text → VARCHAR, jsonb → JSON (a string either way), timestamptz →
 * TIMESTAMP(6) (an ISO-8601 UTC string either way). The binlog carries full row images (binlog_row_image=FULL),
 * the counterpart of REPLICA IDENTITY FULL.
 */
const ordersTable = `
CREATE TABLE IF NOT EXISTS orders (
  id                   CHAR(36)     NOT NULL PRIMARY KEY,
  customer_id          VARCHAR(128) NOT NULL CHECK (CHAR_LENGTH(customer_id) BETWEEN 1 AND 128),
  status               VARCHAR(32)  NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'confirmed', 'payment_failed', 'cancelled')),
  currency             CHAR(3)      NOT NULL CHECK (currency REGEXP '^[A-Z]{3}$'),
  total_cents          BIGINT       NOT NULL CHECK (total_cents > 0),
  items                JSON         NOT NULL CHECK (JSON_TYPE(items) = 'ARRAY' AND JSON_LENGTH(items) > 0),
  version              BIGINT       NOT NULL DEFAULT 1 CHECK (version > 0),
  idempotency_key      VARCHAR(255),
  request_hash         TEXT,
  created_at           TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at           TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  payment_requested_at TIMESTAMP(6) NULL DEFAULT NULL,
  UNIQUE KEY orders_idempotency_key_uniq (customer_id, idempotency_key),
  KEY orders_customer_created_idx (customer_id, created_at)
) ENGINE=InnoDB`;

/** Debezium's signal table (incremental snapshots are started by a row here); its own watermarks go here too. */
const signalTable = `
CREATE TABLE IF NOT EXISTS debezium_signal (
  id   VARCHAR(42)   NOT NULL PRIMARY KEY,
  type VARCHAR(32)   NOT NULL,
  data VARCHAR(2048) NULL
) ENGINE=InnoDB`;

/**
 * Creates the database, its tables and the two users (idempotent). The CDC user gets exactly what Debezium's
 * MariaDB connector documents: SELECT, RELOAD (the snapshot's global read lock), SHOW DATABASES, REPLICATION SLAVE
 * (read the binlog) and REPLICATION CLIENT (`SHOW MASTER STATUS`; BINLOG MONITOR since MariaDB 10.5), plus
 * INSERT/DELETE on the signal table, where incremental snapshots write their watermarks.
 */
export async function prepareMariaDb(server: MariaDbServer): Promise<MariaDbLogins> {
  const pw = sqlString(localPassword);
  const db = mariaDbDatabase;
  await mariaDbQuery(server.admin, `CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4`);
  await mariaDbQuery({ ...server.admin, database: db }, `${ordersTable}; ${signalTable}`);
  await mariaDbQuery(
    server.admin,
    [
      `CREATE USER IF NOT EXISTS '${cdcUser}'@'127.0.0.1' IDENTIFIED BY ${pw}`,
      `GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${cdcUser}'@'127.0.0.1'`,
      `GRANT SELECT ON ${db}.* TO '${cdcUser}'@'127.0.0.1'`,
      `GRANT INSERT, DELETE ON ${db}.debezium_signal TO '${cdcUser}'@'127.0.0.1'`,
      `CREATE USER IF NOT EXISTS '${appUser}'@'127.0.0.1' IDENTIFIED BY ${pw}`,
      `GRANT SELECT, INSERT, UPDATE ON ${db}.orders TO '${appUser}'@'127.0.0.1'`,
      '',
    ].join(';\n'),
  );
  const login = (user: string): MariaDbLogin => ({
    port: server.port,
    user,
    password: localPassword,
    database: db,
  });
  return { admin: { ...server.admin, database: db }, app: login(appUser), cdc: login(cdcUser) };
}
