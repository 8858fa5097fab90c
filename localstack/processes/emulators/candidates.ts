import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { venvDir } from '../../lib/paths.ts';
import { freePort, type ManagedProcess, spawnLogged, waitUntil } from '../../lib/process.ts';
import { buildPatch, isPatchBuilt, patchClassesDir } from './elasticmq/patch.ts';
import { cargoInstall, type InstallOutcome, installDir, mavenInstall, npmInstall } from './install.ts';
import { startMoto } from './moto.ts';
import type { Service } from './services.ts';

export interface StartedEmulator {
  url: string;
  /** Leader of the emulator's process group, for RSS. */
  pid: number | undefined;
  logFile: string;
  stop(): Promise<void>;
}

export interface Candidate {
  name: string;
  version: string;
  services: readonly Service[];
  /** The command a set-up script would run; reported so the lead can wire the winners in verbatim. */
  installCommand: string;
  /** `onProgress` hears about a long install (a cargo build) as it goes. */
  install(onProgress?: (line: string) => void): Promise<InstallOutcome>;
  start(port: number, options?: StartOptions): Promise<StartedEmulator>;
}

export interface StartOptions {
  /** Log file name under the log folder. Default `emulator-<name>`. */
  logName?: string;
  /** Port clients reach it on when a gateway fronts it: SQS queue URLs are built from it. Default: `port`. */
  advertisedPort?: number;
}

const logName = (name: string, options?: StartOptions) => options?.logName ?? `emulator-${name}`;

/** Any HTTP answer means the listener is up; a dead child fails fast instead of burning the whole timeout. */
async function ready(proc: ManagedProcess, url: string, timeoutMs = 60_000): Promise<StartedEmulator> {
  const died = new Promise<never>((_, reject) =>
    proc.child.once('exit', (code) =>
      reject(new Error(`${proc.name} exited (${code}); see ${proc.logFile}`)),
    ),
  );
  try {
    await Promise.race([
      waitUntil(
        proc.name,
        proc.logFile,
        async () => {
          await fetch(url);
          return true;
        },
        timeoutMs,
      ),
      died,
    ]);
  } catch (error) {
    await proc.stop(1000);
    throw error;
  }
  died.catch(() => {}); // a later, deliberate stop must not surface as an unhandled rejection
  return { url, pid: proc.child.pid, logFile: proc.logFile, stop: () => proc.stop(5000) };
}

/** Server JVMs on a 2-core box: serial GC and a capped heap keep RSS honest and leave cores for the pipeline. */
const jvmFlags = ['-Xms32m', '-Xmx256m', '-XX:+UseSerialGC'];

function motoVersion(): string {
  const lib = join(venvDir, 'lib');
  if (!existsSync(lib)) return 'missing';
  for (const python of readdirSync(lib)) {
    const site = join(lib, python, 'site-packages');
    const dist = existsSync(site) ? readdirSync(site).find((d) => /^moto-.*\.dist-info$/.test(d)) : undefined;
    if (dist) return dist.replace(/^moto-/, '').replace(/\.dist-info$/, '');
  }
  return 'missing';
}

const moto: Candidate = {
  name: 'moto',
  version: motoVersion(),
  services: ['sqs', 'sns', 'kinesis', 'dynamodb', 'cloudwatch'],
  installCommand: "python3 -m venv .holdline/venv && .holdline/venv/bin/pip install 'moto[server]==5.2.5'",
  // The project venv already carries moto (npm run setup); the probe only refuses to run without it.
  async install() {
    if (moto.version === 'missing') throw new Error(`moto not found in ${venvDir}; run npm run setup`);
    return { dir: venvDir, ms: 0, fresh: false };
  },
  async start(port, options) {
    const started = await startMoto(port, logName('moto', options));
    const proc = started.process;
    return { url: started.url, pid: proc.child.pid, logFile: proc.logFile, stop: () => proc.stop(5000) };
  },
};

const fauxqs: Candidate = {
  name: 'fauxqs',
  // 1.9.2 is the only release the registry serves with engines.node >=20 (2.x needs >=22.5).
  version: '1.9.2',
  services: ['sqs', 'sns'],
  installCommand: 'npm install --prefix ~/.cache/holdline/emulators/fauxqs@1.9.2 fauxqs@1.9.2',
  install: () => npmInstall('fauxqs', '1.9.2'),
  async start(port, options) {
    const cli = join(installDir('fauxqs', '1.9.2'), 'node_modules', 'fauxqs', 'dist', 'cli.js');
    const proc = spawnLogged(logName('fauxqs', options), process.execPath, [cli], {
      env: { ...process.env, FAUXQS_PORT: String(port), FAUXQS_HOST: '127.0.0.1' },
    });
    return ready(proc, `http://127.0.0.1:${port}/`);
  },
};

const elasticmqRelease = '1.7.1';

/**
 * ElasticMQ from Maven Central. `patched` (the one the local cloud runs) puts our FIFO receive fix
 * (elasticmq/MessageQueue.scala) before its jars; upstream stays a candidate so the fidelity probe shows
 * what the patch changes.
 */
function elasticmqCandidate(patched: boolean): Candidate {
  const name = patched ? 'elasticmq' : 'elasticmq-upstream';
  const dir = installDir('elasticmq', elasticmqRelease);
  return {
    name,
    version: patched ? `${elasticmqRelease}+fifo-receive-patch` : elasticmqRelease,
    services: ['sqs'],
    installCommand: `mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib  # in ~/.cache/holdline/emulators/elasticmq@${elasticmqRelease} with a POM depending on org.elasticmq:elasticmq-server_2.13:${elasticmqRelease}${patched ? '; then scalac 2.13.18 compiles localstack/processes/emulators/elasticmq/MessageQueue.scala against lib/' : ''}`,
    async install(onProgress) {
      const release = await mavenInstall('elasticmq', {
        groupId: 'org.elasticmq',
        artifactId: 'elasticmq-server_2.13',
        version: elasticmqRelease,
      });
      if (!patched) return release;
      const patch = await buildPatch(dir, onProgress);
      return { dir, ms: release.ms + patch.ms, fresh: release.fresh || patch.fresh };
    },
    async start(port, options) {
      if (patched && !isPatchBuilt(dir))
        throw new Error(`ElasticMQ's FIFO receive patch is not built in ${dir}; run npm run setup`);
      // System properties override its bundled application.conf; the stats UI is off so it doesn't grab 9325.
      const props = [
        `-Drest-sqs.bind-port=${port}`,
        '-Drest-sqs.bind-hostname=127.0.0.1',
        `-Dnode-address.port=${options?.advertisedPort ?? port}`,
        '-Dnode-address.host=127.0.0.1',
        '-Drest-stats.enabled=false',
        // Otherwise ARNs say region "elasticmq"; AWS-shaped ARNs keep redrive policies and IAM wiring realistic.
        '-Daws.region=us-east-1',
        '-Daws.accountId=000000000000',
      ];
      // The JVM loads a class from the first classpath entry that has it, so the patch's classes win.
      const classpath = patched ? `${patchClassesDir(dir)}:lib/*` : 'lib/*';
      const proc = spawnLogged(
        logName(name, options),
        'java',
        [...jvmFlags, ...props, '-cp', classpath, 'org.elasticmq.server.Main'],
        { cwd: dir },
      );
      return ready(proc, `http://127.0.0.1:${port}/`);
    },
  };
}

const elasticmq = elasticmqCandidate(true);

const kinesisLocal: Candidate = {
  name: 'kinesis-local',
  version: '0.6.2',
  services: ['kinesis'],
  installCommand: 'npm install --prefix ~/.cache/holdline/emulators/kinesis-local@0.6.2 kinesis-local@0.6.2',
  install: () => npmInstall('kinesis-local', '0.6.2'),
  async start(port, options) {
    const pkg = join(installDir('kinesis-local', '0.6.2'), 'node_modules', 'kinesis-local');
    // It always opens a TLS listener too (default 4567, dynalite's default): give it a free port of its own,
    // and run it from its package folder, where its self-signed server.json lives.
    const proc = spawnLogged(logName('kinesis-local', options), process.execPath, [join(pkg, 'main.js')], {
      cwd: pkg,
      env: {
        ...process.env,
        KINESIS_MOCK_PLAIN_PORT: String(port),
        KINESIS_MOCK_TLS_PORT: String(await freePort()),
        KINESIS_MOCK_CERT_PATH: join(pkg, 'server.json'),
        LOG_LEVEL: 'WARN',
      },
    });
    return ready(proc, `http://127.0.0.1:${port}/`);
  },
};

/** Reports every 25th crate cargo compiles, so a 3-minute build is visibly moving. */
function cargoProgress(onProgress?: (line: string) => void): (chunk: string) => void {
  let compiled = 0;
  return (chunk) => {
    for (const [, crate] of chunk.matchAll(/Compiling (\S+)/g)) {
      compiled += 1;
      if (compiled % 25 === 0) onProgress?.(`${compiled} crates compiled (now ${crate})`);
    }
  };
}

const ferrokinesisVersion = '0.7.0';
/**
 * Retained record bytes it will hold before refusing writes (LimitExceededException): it keeps every record in
 * memory for the stream's retention, and a loud refusal beats a machine that swaps. 8 GiB of this 24 GiB
 * machine: the snapshot-freeze drill's full table (5 M rows) is about 5.5 GB of Debezium records in one stream;
 * the 1 GiB it had refused a 500k-row run's second mode.
 */
const ferrokinesisMaxRetainedBytes = 8 * 1024 * 1024 * 1024;

const ferrokinesis: Candidate = {
  name: 'ferrokinesis',
  version: ferrokinesisVersion,
  services: ['kinesis'],
  installCommand: `cargo install --locked --version ${ferrokinesisVersion} --root ~/.cache/holdline/emulators/ferrokinesis@${ferrokinesisVersion} ferrokinesis`,
  install: (onProgress) => cargoInstall('ferrokinesis', ferrokinesisVersion, cargoProgress(onProgress)),
  async start(port, options) {
    const bin = join(installDir('ferrokinesis', ferrokinesisVersion), 'bin', 'ferrokinesis');
    const proc = spawnLogged(logName('ferrokinesis', options), bin, [
      '--port',
      String(port),
      // Per-shard write limits as Kinesis applies them (1,000 records/s, 1 MiB/s): a hot key is throttled
      // locally as it would be in AWS, with per-record ProvisionedThroughputExceededException.
      '--enforce-limits',
      'true',
      '--region',
      'us-east-1',
      '--account-id',
      '000000000000',
      // AWS's default shard quota is 200–500 per account and region; ferrokinesis defaults to 10, which a
      // local cloud (5 shards) plus a test's own streams can reach.
      '--shard-limit',
      '200',
      '--max-retained-bytes',
      String(ferrokinesisMaxRetainedBytes),
      '--log-level',
      'warn',
    ]);
    return ready(proc, `http://127.0.0.1:${port}/`);
  },
};

const dynalite: Candidate = {
  name: 'dynalite',
  version: '4.0.0',
  services: ['dynamodb'],
  installCommand: 'npm install --prefix ~/.cache/holdline/emulators/dynalite@4.0.0 dynalite@4.0.0',
  install: () => npmInstall('dynalite', '4.0.0'),
  async start(port, options) {
    const cli = join(installDir('dynalite', '4.0.0'), 'node_modules', 'dynalite', 'cli.js');
    // --createTableMs 0: the 500 ms CREATING phase only slows checks; table status is not what we measure here.
    const proc = spawnLogged(logName('dynalite', options), process.execPath, [
      cli,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--createTableMs',
      '0',
    ]);
    return ready(proc, `http://127.0.0.1:${port}/`);
  },
};

const dynamodbLocal: Candidate = {
  name: 'dynamodb-local',
  version: '3.3.1',
  services: ['dynamodb'],
  installCommand:
    'mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib  # in ~/.cache/holdline/emulators/dynamodb-local@3.3.1 with a POM depending on software.amazon.dynamodb:DynamoDBLocal:3.3.1',
  install: () =>
    mavenInstall('dynamodb-local', {
      groupId: 'software.amazon.dynamodb',
      artifactId: 'DynamoDBLocal',
      version: '3.3.1',
    }),
  async start(port, options) {
    const dir = installDir('dynamodb-local', '3.3.1');
    // copy-dependencies puts sqlite4java's native .so next to the jars; -sharedDb ignores region/access key.
    const proc = spawnLogged(
      logName('dynamodb-local', options),
      'java',
      [
        ...jvmFlags,
        '-Djava.library.path=lib',
        '-cp',
        'lib/*',
        'software.amazon.dynamodb.services.local.main.ServerRunner',
        '-inMemory',
        '-sharedDb',
        '-port',
        String(port),
      ],
      { cwd: dir },
    );
    return ready(proc, `http://127.0.0.1:${port}/`);
  },
};

export const candidates: readonly Candidate[] = [
  moto,
  fauxqs,
  elasticmq,
  elasticmqCandidate(false),
  kinesisLocal,
  ferrokinesis,
  dynalite,
  dynamodbLocal,
];
