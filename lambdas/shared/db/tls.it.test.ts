import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDir } from '../../../localstack/lib/paths.ts';
import { freePort } from '../../../localstack/lib/process.ts';
import { type PostgresServer, startPostgres } from '../../../localstack/processes/postgres/server.ts';
import { ensureServerUser } from '../../../localstack/processes/postgres/server-user.ts';
import { defaultPostgresSettings } from '../../../localstack/processes/postgres/settings.ts';
import { relayConfigFromEnv } from '../../../services/polling-relay/config.ts';
import { verifyFullTls } from './tls.ts';

/** A CA and a leaf it signs for `localhost` only: what RDS's CA and an instance certificate are to a client. */
function makeCa(dir: string, name: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`].concat([
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'pipe' },
  );
  return { key, cert };
}

describe('Postgres TLS with verify-full (what the Lambdas, the relay and Debezium use against RDS)', () => {
  let dir: string;
  let server: PostgresServer;
  let rightCa: string;
  let wrongCa: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(stateDir, 'tls-'));
    chmodSync(dir, 0o755);
    const ca = makeCa(dir, 'local-rds-ca');
    rightCa = readFileSync(ca.cert, 'utf8');
    wrongCa = readFileSync(makeCa(dir, 'some-other-ca').cert, 'utf8');
    const key = join(dir, 'server.key');
    const csr = join(dir, 'server.csr');
    const cert = join(dir, 'server.pem');
    const ext = join(dir, 'san.ext');
    execFileSync(
      'openssl',
      ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', key, '-out', csr],
      { stdio: 'pipe' },
    );
    execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:localhost\\n' > '${ext}'`]);
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        ca.cert,
        '-CAkey',
        ca.key,
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        ext,
        '-out',
        cert,
      ],
      { stdio: 'pipe' },
    );
    // Postgres refuses a key others can read, and runs as its own user when we are root.
    const user = ensureServerUser();
    if (user) execFileSync('chown', [`${user.uid}:${user.gid}`, key, cert]);
    chmodSync(key, 0o600);
    server = await startPostgres(
      join(dir, 'data'),
      await freePort(),
      { ...defaultPostgresSettings, extra: { ssl: 'on', ssl_cert_file: cert, ssl_key_file: key } },
      { name: 'tls-postgres' },
    );
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Connects as the superuser to `host` with `ssl`; resolves to whether the session is encrypted. */
  const connect = async (host: string, ssl: pg.ClientConfig['ssl']) => {
    const url = new URL(server.adminUrl);
    url.hostname = host;
    const client = new pg.Client({ connectionString: url.toString(), ssl });
    await client.connect();
    try {
      const { rows } = await client.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      return rows[0]?.ssl;
    } finally {
      await client.end();
    }
  };

  it('connects, encrypted, when the certificate chains to the trusted CA and names the host', async () => {
    await expect(connect('localhost', verifyFullTls(rightCa))).resolves.toBe(true);
  });

  it('refuses a server whose certificate chains to another CA', async () => {
    await expect(connect('localhost', verifyFullTls(wrongCa))).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it('refuses a server whose certificate names another host (the "full" in verify-full)', async () => {
    await expect(connect('127.0.0.1', verifyFullTls(rightCa))).rejects.toThrow(/altnames|Hostname|IP/i);
  });

  it("refuses the local server's CA by default: the defaults trust only Amazon's RDS CAs", async () => {
    await expect(connect('localhost', verifyFullTls())).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it("the relay's AWS configuration connects this way (its URL carries no sslmode that would override it)", async () => {
    const config = relayConfigFromEnv({
      DB_HOST: 'localhost',
      DB_PORT: String(server.port),
      DB_NAME: 'postgres',
      DB_USERNAME: 'postgres',
      DB_PASSWORD: new URL(server.adminUrl).password,
      OUTBOX_STREAM_NAME: 's',
    });
    const client = new pg.Client({
      connectionString: config.databaseUrl,
      ...(config.ssl ? { ssl: { ...config.ssl, ca: rightCa } } : {}),
    });
    await client.connect();
    const { rows } = await client.query<{ ssl: boolean }>(
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    await client.end();
    expect(rows[0]?.ssl).toBe(true);
  });
});
