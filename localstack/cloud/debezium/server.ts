import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnTemplate } from '../../../cdk/lib/template.ts';
import { type AwsAccess, awsAccessEnv } from '../../../lambdas/shared/aws-access.ts';
import { logDir } from '../../lib/paths.ts';
import { freePort, killGroup, type ManagedProcess, spawnLogged } from '../../lib/process.ts';
import type { Provisioned } from '../provision/types.ts';
import { DebeziumError, DebeziumStartError } from './errors.ts';
import { debeziumHome, runnerJar } from './install.ts';
import { findJava, type JavaRuntime } from './java.ts';
import { type LocalDebeziumConfig, localDebeziumConfig } from './properties.ts';
import { isStreaming, isUp, until, waitForSlotRelease } from './readiness.ts';
import { slotState } from './slot.ts';
import { type DebeziumConnector, debeziumTaskContainer } from './task-container.ts';

export interface StartDebeziumOptions {
  /** Synthesized template: the task definition's container environment is the configuration. */
  template: CfnTemplate;
  /** Resolves the environment's references (stream names, region) against what was provisioned. */
  provisioned: Pick<Provisioned, 'resolve' | 'pseudo'>;
  connector: DebeziumConnector;
  /** `postgres://` URL of the CDC role (REPLICATION, USAGE and CREATE on schema `cdc`). */
  databaseUrl: string;
  /** The cloud whose Kinesis the connector writes to (an endpoint is required locally). */
  access: AwsAccess;
  /** Working directory of this connector's process; created if missing. */
  dataDir: string;
  /** How long to wait for healthy and streaming. Default 120 s (the ECS health check's start period). */
  timeoutMs?: number;
  /** Default: `findJava()`. */
  java?: JavaRuntime;
}

export interface DebeziumServer {
  connector: DebeziumConnector;
  healthUrl: string;
  process: ManagedProcess;
  /** `<logDir>/debezium-<connector>.log`, appended to across restarts. */
  logFile: string;
  slotName: string;
  config: LocalDebeziumConfig;
  java: JavaRuntime;
  /** Milliseconds from spawn until `/q/health` said UP, and until the slot was active (streaming). */
  startup: { healthyMs: number; streamingMs: number };
  /** Resident memory of the JVM now, in MiB. */
  rssMb(): number;
  /** SIGTERM (Debezium flushes offsets and closes the slot connection), SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** SIGKILL, as a crashed task: no offset flush, the slot connection just drops. */
  kill(): Promise<void>;
}

export const MAIN_CLASS = 'io.debezium.server.Main';

/**
 * Runs one connector of the real Debezium Server distribution as a plain Java process, configured by the
 * template's task environment (see properties.ts), and resolves once `/q/health` is UP and the connector's
 * replication slot is active, i.e. the connector is streaming, not merely booted.
 */
export async function startDebezium(options: StartDebeziumOptions): Promise<DebeziumServer> {
  const { connector, provisioned } = options;
  const container = debeziumTaskContainer(options.template, connector, provisioned.resolve);
  const version = container.version;
  const home = debeziumHome(version);
  if (!existsSync(join(home, '.installed')))
    throw new DebeziumError(
      `Debezium Server ${version} (the template's image label) is not installed in ${home}; run installDebezium()`,
    );
  const java = options.java ?? findJava();
  const httpPort = await freePort();
  const config = localDebeziumConfig(container, {
    databaseUrl: options.databaseUrl,
    awsEndpoint: localEndpoint(options.access),
    region: provisioned.pseudo.region,
    httpPort,
  });
  const slotName = config.environment.DEBEZIUM_SOURCE_SLOT_NAME;
  if (!slotName) throw new DebeziumError(`connector ${connector} has no DEBEZIUM_SOURCE_SLOT_NAME`);

  const name = `debezium-${connector}`;
  const logFile = join(logDir, `${name}.log`);
  // A killed predecessor's walsender can hold the slot for a moment; waiting here keeps "slot active" below
  // from meaning "still active from last time".
  await waitForSlotRelease(options.databaseUrl, slotName).catch((error: unknown) => {
    throw new DebeziumStartError(connector, logFile, `could not confirm slot ${slotName} is free`, {
      cause: error,
    });
  });

  mkdirSync(options.dataDir, { recursive: true });
  // The log is appended to across restarts; a failed start should quote only its own lines.
  const logOffset = existsSync(logFile) ? statSync(logFile).size : 0;
  const started = Date.now();
  const proc = spawnLogged(
    name,
    java.bin,
    [
      ...config.javaOptions,
      ...runtimeFlags(java),
      // run.sh's class path, absolute because the working directory is the connector's own.
      '-cp',
      [runnerJar(home, version), join(home, 'config', 'lib'), join(home, 'lib', '*')].join(':'),
      MAIN_CLASS,
    ],
    {
      env: { ...processBasics(java, options.access, provisioned.pseudo.region), ...config.environment },
      cwd: options.dataDir,
    },
  );
  const healthUrl = `http://127.0.0.1:${httpPort}/q/health`;
  let healthyMs = 0;
  try {
    const wait = { proc, connector, logOffset, timeoutMs: options.timeoutMs ?? 120_000, started };
    healthyMs = await until(wait, () => isUp(healthUrl));
    await until(wait, async () => isStreaming(await slotState(options.databaseUrl, slotName)));
  } catch (error) {
    await proc.stop(1000);
    throw error;
  }
  const streamingMs = Date.now() - started;
  return {
    connector,
    healthUrl,
    process: proc,
    logFile: proc.logFile,
    slotName,
    config,
    java,
    startup: { healthyMs, streamingMs },
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

/**
 * What the container's image and ECS add to the process environment, locally: a PATH, the runtime, and AWS
 * credentials and region for the SDK's default chain (the task role in AWS; any key the emulator accepts here).
 * Nothing else of this process's environment leaks in, so a stray `DEBEZIUM_*` cannot change the configuration.
 */
export function processBasics(java: JavaRuntime, access: AwsAccess, region: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    JAVA_HOME: java.home,
    ...awsAccessEnv({ ...access, endpoint: undefined }),
    AWS_REGION: region,
  };
}

/**
 * The image runs Java 21; on 24+ JBoss Threads needs java.lang opened or it throws IllegalAccessError on its
 * worker threads (seen at shutdown with Temurin 25).
 */
export function runtimeFlags(java: JavaRuntime): string[] {
  return java.major >= 24 ? ['--add-opens=java.base/java.lang=ALL-UNNAMED'] : [];
}

export function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 0 : Math.round(Number(kb) / 1024);
  } catch {
    return 0;
  }
}

/** The configuration carries the endpoint (`DEBEZIUM_SINK_KINESIS_ENDPOINT`); locally there always is one. */
function localEndpoint(access: AwsAccess): string {
  if (access.endpoint === undefined)
    throw new DebeziumError('a local Debezium Server needs an AWS endpoint (the emulators or LocalStack)');
  return access.endpoint;
}
