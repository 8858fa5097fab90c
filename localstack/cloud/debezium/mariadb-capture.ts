import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEBEZIUM_SECRET_PROPERTIES, toEnvironment } from '../../../cdk/lib/debezium-config.ts';
import type { AwsAccess } from '../../../lambdas/shared/aws-access.ts';
import { logDir } from '../../lib/paths.ts';
import { freePort, killGroup, type ManagedProcess, spawnLogged } from '../../lib/process.ts';
import { type MariaDbLogin, mariaDbQuery } from '../../processes/mariadb/client.ts';
import { assertReadyForCapture } from '../../processes/mariadb/preflight.ts';
import { DebeziumError } from './errors.ts';
import { DEBEZIUM_VERSION, debeziumHome, runnerJar } from './install.ts';
import { findJava, type JavaRuntime } from './java.ts';
import { LOCAL_JAVA_OPTIONS } from './properties.ts';
import { isUp, until } from './readiness.ts';
import { MAIN_CLASS, processBasics, rssMb, runtimeFlags } from './server.ts';

export interface StartMariaDbCaptureOptions {
  /** `mariaDbDebeziumProperties()` output (no credentials, no endpoint). */
  properties: Record<string, string>;
  /** The connector's own login: its user and password become the secret properties. */
  cdc: MariaDbLogin;
  /** The cloud whose Kinesis the connector writes to (an endpoint is required locally). */
  access: AwsAccess;
  region: string;
  /** Working directory: the offset and schema-history files land here. */
  dataDir: string;
  /** Process and log name. Default `debezium-mariadb`. */
  name?: string;
  /** How long to wait for healthy and reading the binlog. Default 120 s. */
  timeoutMs?: number;
  java?: JavaRuntime;
}

export interface MariaDbCapture {
  process: ManagedProcess;
  logFile: string;
  healthUrl: string;
  /** Environment the JVM got, passwords masked: evidence of what ran. */
  environment: Record<string, string>;
  startup: { healthyMs: number; streamingMs: number };
  rssMb(): number;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/**
 * Runs Debezium Server's MariaDB connector as a plain Java process (same distribution, same environment mapping as
 * the Postgres connectors) and resolves once `/q/health` is UP and its binlog dump thread is connected. A preflight
 * first: a server without a full-image row binlog, or a user without the binlog privileges, fails here with the
 * missing setting named, instead of a connector that starts and streams nothing.
 */
export async function startMariaDbCapture(options: StartMariaDbCaptureOptions): Promise<MariaDbCapture> {
  await assertReadyForCapture(options.cdc);
  if (options.access.endpoint === undefined)
    throw new DebeziumError('a local Debezium Server needs an AWS endpoint (the emulators)');
  const home = debeziumHome(DEBEZIUM_VERSION);
  if (!existsSync(join(home, '.installed')))
    throw new DebeziumError(
      `Debezium Server ${DEBEZIUM_VERSION} is not installed in ${home}; run npm run setup`,
    );
  const java = options.java ?? findJava();
  const httpPort = await freePort();
  const secrets = Object.fromEntries(
    Object.entries(DEBEZIUM_SECRET_PROPERTIES)
      .filter(([property]) => property.startsWith('debezium.source.database.'))
      .map(([property, field]) => [property, field === 'username' ? options.cdc.user : options.cdc.password]),
  );
  const environment = toEnvironment({
    ...options.properties,
    ...secrets,
    'debezium.sink.kinesis.endpoint': options.access.endpoint,
    'debezium.sink.kinesis.region': options.region,
    'quarkus.http.port': String(httpPort),
  });
  const name = options.name ?? 'debezium-mariadb';
  const logFile = join(logDir, `${name}.log`);
  mkdirSync(options.dataDir, { recursive: true });
  const logOffset = existsSync(logFile) ? statSync(logFile).size : 0;
  const started = Date.now();
  const proc = spawnLogged(
    name,
    java.bin,
    [
      ...LOCAL_JAVA_OPTIONS,
      ...runtimeFlags(java),
      '-cp',
      [runnerJar(home, DEBEZIUM_VERSION), join(home, 'config', 'lib'), join(home, 'lib', '*')].join(':'),
      MAIN_CLASS,
    ],
    { env: { ...processBasics(java, options.access, options.region), ...environment }, cwd: options.dataDir },
  );
  const healthUrl = `http://127.0.0.1:${httpPort}/q/health`;
  let healthyMs = 0;
  try {
    const wait = { proc, connector: name, logOffset, timeoutMs: options.timeoutMs ?? 120_000, started };
    healthyMs = await until(wait, () => isUp(healthUrl));
    await until(wait, () => readingBinlog(options.cdc));
  } catch (error) {
    await proc.stop(1000);
    throw error;
  }
  return {
    process: proc,
    logFile: proc.logFile,
    healthUrl,
    environment: Object.fromEntries(
      Object.entries(environment).map(([k, v]) => [k, /PASSWORD/.test(k) ? '***' : v]),
    ),
    startup: { healthyMs, streamingMs: Date.now() - started },
    rssMb: () => rssMb(proc.child.pid),
    stop: () => proc.stop(15_000),
    async kill() {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.child.once('exit', resolve));
      killGroup(proc.child.pid, 'SIGKILL');
      await exited;
    },
  };
}

/** The connector's binlog dump thread is on the server (a user sees its own threads in the process list). */
async function readingBinlog(cdc: MariaDbLogin): Promise<boolean> {
  const rows = await mariaDbQuery(
    cdc,
    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'",
  );
  return Number(rows[0]?.[0]) > 0;
}
