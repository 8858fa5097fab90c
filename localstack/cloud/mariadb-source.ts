import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mariaDbDebeziumProperties } from '../../cdk/lib/debezium-config.ts';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import { freePort } from '../lib/process.ts';
import type { MariaDbLogin } from '../processes/mariadb/client.ts';
import { type MariaDbLogins, mariaDbDatabase, prepareMariaDb } from '../processes/mariadb/database.ts';
import { type MariaDbServer, startMariaDb } from '../processes/mariadb/server.ts';
import { defaultMariaDbSettings } from '../processes/mariadb/settings.ts';
import { type MariaDbCapture, startMariaDbCapture } from './debezium/mariadb-capture.ts';

/** The MariaDB capture's connector name (topic prefix, process and log name), locally and in the drills. */
export const MARIADB_CONNECTOR = 'holdline_mariadb_orders';

export interface MariaDbSourceOptions {
  /** The server's data lives in `<stateDir>/mariadb`, the capture's offsets in `<stateDir>/debezium/mariadb`. */
  stateDir: string;
  /** 0 = any free port. */
  port: number;
  /** Wipe the server's data and the capture's offsets first. */
  fresh: boolean;
  access: AwsAccess;
  region: string;
  /** The order view's change stream: MariaDB's orders feed the same OrderView consumer as Postgres's. */
  streamName: string;
}

export interface MariaDbSource {
  server: MariaDbServer;
  logins: MariaDbLogins;
  capture: MariaDbCapture;
  /** The application's login as a URL (`mariadb://user:password@127.0.0.1:port/holdline`). */
  url: string;
  pids(): number[];
  stop(): Promise<void>;
}

/** A login as a `mariadb://` URL, the form MariaDB's drivers take. */
export function mariaDbUrl(login: MariaDbLogin): string {
  const url = new URL(`mariadb://127.0.0.1:${login.port}/${login.database ?? ''}`);
  url.username = login.user;
  url.password = login.password;
  return url.toString();
}

/**
 * How to reach the MariaDB behind a `mariaDbUrl`: its port, the `mariadb` client command that opens a session as
 * that login, and where its changes go.
 */
export function mariaDbConnectHint(url: string): string[] {
  const u = new URL(url);
  const database = u.pathname.replace(/^\//, '');
  return [
    `  MariaDB     127.0.0.1:${u.port} (database ${database}, user ${decodeURIComponent(u.username)})`,
    `              connect: mariadb --protocol=TCP --host=127.0.0.1 --port=${u.port} --user=${decodeURIComponent(u.username)} --password=${decodeURIComponent(u.password)} ${database}`,
    "              its orders are captured into the order view's stream (OrderChanges), as Postgres's are",
  ];
}

/**
 * A second capture source for the local cloud (`local:up --source mariadb`): a MariaDB of the cloud's own, kept
 * between starts like the local Postgres, with the orders table and the two users (localstack/processes/mariadb),
 * and Debezium Server's MariaDB connector writing its changes into the order view's stream. If the capture fails
 * to start, the server is stopped again.
 */
export async function startMariaDbSource(options: MariaDbSourceOptions): Promise<MariaDbSource> {
  const root = join(options.stateDir, 'mariadb');
  const captureDir = join(options.stateDir, 'debezium', 'mariadb');
  if (options.fresh) {
    rmSync(root, { recursive: true, force: true });
    rmSync(captureDir, { recursive: true, force: true });
  }
  mkdirSync(root, { recursive: true });
  // The server runs as an unprivileged user when we are root: it must reach its data directory.
  chmodSync(root, 0o755);
  const server = await startMariaDb(
    join(root, 'data'),
    options.port || (await freePort()),
    defaultMariaDbSettings,
    { name: 'mariadb' },
  );
  try {
    const logins = await prepareMariaDb(server);
    const properties = orderViewCaptureProperties(server.port, options.streamName, options.region);
    const capture = await startMariaDbCapture({
      properties,
      cdc: logins.cdc,
      access: options.access,
      region: options.region,
      dataDir: captureDir,
      name: 'debezium-mariadb',
    });
    return {
      server,
      logins,
      capture,
      url: mariaDbUrl(logins.app),
      pids: () =>
        [server.process.child.pid, capture.process.child.pid].filter((p): p is number => p !== undefined),
      stop: async () => {
        await capture.stop();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * The local MariaDB capture of `orders` into the order view's stream (`OrderChanges`), as `local:up --source mariadb`
 * and the cdc-view-mariadb drill run it: one connector name, server id and set of timings, built by the same module
 * as the Postgres connectors.
 */
export function orderViewCaptureProperties(
  port: number,
  streamName: string,
  region: string,
): Record<string, string> {
  return mariaDbDebeziumProperties({
    name: MARIADB_CONNECTOR,
    database: { host: '127.0.0.1', port: String(port), dbname: mariaDbDatabase, sslMode: 'disable' },
    clientServerId: 5401,
    table: `${mariaDbDatabase}.orders`,
    sink: { streamName, region },
    storage: { offsetsFile: 'offsets.dat', schemaHistoryFile: 'schema-history.dat' },
    heartbeatIntervalMs: 10_000,
    offsetFlushIntervalMs: 1000,
    pollIntervalMs: 50,
    snapshot: { lockingMode: 'minimal' },
    signals: { kind: 'table', table: `${mariaDbDatabase}.debezium_signal` },
    routing: { kind: 'table', keyColumn: 'id' },
  });
}
