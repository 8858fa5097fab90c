import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDir } from '../../lib/paths.ts';
import { freePort } from '../../lib/process.ts';
import { mariaDbQuery } from './client.ts';
import { type MariaDbLogins, prepareMariaDb } from './database.ts';
import { CaptureNotReadyError } from './errors.ts';
import { assertReadyForCapture } from './preflight.ts';
import { type MariaDbServer, startMariaDb } from './server.ts';
import { defaultMariaDbSettings } from './settings.ts';

const dir = join(stateDir, 'test', `mariadb-${process.pid}`);
let server: MariaDbServer;
let logins: MariaDbLogins;

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  server = await startMariaDb(join(dir, 'data'), await freePort(), defaultMariaDbSettings, {
    name: 'test-mariadb',
  });
  logins = await prepareMariaDb(server);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('local MariaDB', () => {
  it('runs bound to 127.0.0.1 with a row-based binlog, full images and GTIDs', async () => {
    const rows = await mariaDbQuery(
      server.admin,
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('bind_address','log_bin','binlog_format','binlog_row_image','server_id','gtid_strict_mode','port')",
    );
    expect(Object.fromEntries(rows)).toMatchObject({
      bind_address: '127.0.0.1',
      log_bin: 'ON',
      binlog_format: 'ROW',
      binlog_row_image: 'FULL',
      server_id: '1',
      gtid_strict_mode: 'ON',
      port: String(server.port),
    });
    await mariaDbQuery(
      logins.app,
      `INSERT INTO orders (id, customer_id, currency, total_cents, items) VALUES (UUID(), 'c1', 'EUR', 100, '[{"sku":"a"}]')`,
    );
    const [[gtid]] = (await mariaDbQuery(server.admin, 'SELECT @@gtid_binlog_pos')) as [[string]];
    expect(gtid).toMatch(/^0-1-\d+$/);
  });

  it('lets the CDC user capture, and passes the preflight', async () => {
    await expect(assertReadyForCapture(logins.cdc)).resolves.toBeUndefined();
  });

  it('gives the application user no replication privilege', async () => {
    const error = await assertReadyForCapture(logins.app).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureNotReadyError);
    expect((error as Error).message).toMatch(/REPLICATION CLIENT/);
    expect((error as Error).message).toMatch(/REPLICATION SLAVE/);
    await expect(mariaDbQuery(logins.app, 'DELETE FROM orders')).rejects.toThrow(/DELETE command denied/);
  });

  it('names REPLICATION CLIENT when a connector user lacks it', async () => {
    await mariaDbQuery(
      server.admin,
      "CREATE USER IF NOT EXISTS 'half_cdc'@'127.0.0.1' IDENTIFIED BY 'x'; GRANT RELOAD, REPLICATION SLAVE ON *.* TO 'half_cdc'@'127.0.0.1'; GRANT SELECT ON holdline.* TO 'half_cdc'@'127.0.0.1'",
    );
    const half = { ...logins.cdc, user: 'half_cdc', password: 'x' };
    await expect(assertReadyForCapture(half)).rejects.toThrow(
      /not ready for binlog capture by half_cdc: the user lacks REPLICATION CLIENT ON \*\.\*$/,
    );
  });

  it('names binlog_format when the server does not log rows', async () => {
    await mariaDbQuery(server.admin, "SET GLOBAL binlog_format = 'MIXED'");
    try {
      await expect(assertReadyForCapture(logins.cdc)).rejects.toThrow(/binlog_format is MIXED, needs ROW/);
    } finally {
      await mariaDbQuery(server.admin, "SET GLOBAL binlog_format = 'ROW'");
    }
  });

  it('stops and starts again on the same data, keeping it', async () => {
    const { port, dataDir } = server;
    await server.stop();
    expect(server.process.child.exitCode ?? server.process.child.signalCode).not.toBeNull();
    server = await startMariaDb(dataDir, port, defaultMariaDbSettings, { name: 'test-mariadb' });
    const [[count]] = (await mariaDbQuery(logins.admin, 'SELECT COUNT(*) FROM orders')) as [[string]];
    expect(count).toBe('1');
  }, 60_000);
});
