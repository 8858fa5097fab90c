import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'commander';
import {
  isAlive,
  type LocalCloudRecord,
  readLocalCloudRecord,
  removeLocalCloudRecord,
} from '../tools/local-cloud-record.ts';
import { startLocalCloud } from './cloud/local-cloud.ts';
import { mariaDbConnectHint } from './cloud/mariadb-source.ts';
import { publishCloudRecord } from './cloud-record.ts';
import {
  CAPTURE_SOURCES,
  captureSourceOptions,
  cloudSettings,
  MARIADB_SOURCE,
  mariaDbPortSetting,
} from './config.ts';
import { curlExample } from './curl-example.ts';
import { logDir, repoRoot } from './lib/paths.ts';
import { killGroup } from './lib/process.ts';

const readRecord = (): LocalCloudRecord | undefined => readLocalCloudRecord();

/** `--source`: Postgres always runs; `mariadb` adds a MariaDB and its capture (HOLDLINE_MARIADB_PORT, else a free port). */
const sourceOption = () =>
  new Option(
    '--source <database>',
    'capture this database too (mariadb: a local MariaDB, its orders → order view)',
  )
    .choices(CAPTURE_SOURCES)
    .default('postgres');

/** How to connect to the MariaDB a cloud started, on stderr: stdout stays one JSON line for scripts. */
const printMariaDbHint = (endpoints: Record<string, string>) => {
  if (endpoints.mariadb) console.error(mariaDbConnectHint(endpoints.mariadb).join('\n'));
};

const program = new Command('holdline-local').description(
  'The local Holdline pipeline: emulators, Postgres, Lambdas',
);

program
  .command('up')
  .description('start in the background; prints one JSON line of endpoints when ready')
  .option('--fresh', 'wipe the local Postgres data first (and MariaDB data, with --source mariadb)')
  .option('--timeout <seconds>', 'give up after this long', '180')
  .addOption(sourceOption())
  .action(async (opts: { fresh?: boolean; timeout: string; source: string }) => {
    const mariadb = opts.source === MARIADB_SOURCE;
    const running = readRecord();
    if (running) {
      if (mariadb && !running.endpoints.mariadb) {
        console.error('a local cloud without MariaDB is already running (npm run local:down first)');
        process.exitCode = 1;
        return;
      }
      console.log(JSON.stringify(running.endpoints));
      printMariaDbHint(running.endpoints);
      return;
    }
    removeLocalCloudRecord();
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, 'cloud.log');
    const out = openSync(logFile, 'a');
    const daemon = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'localstack', 'daemon.ts'),
        ...(opts.fresh ? ['--fresh'] : []),
        `--source=${opts.source}`,
      ],
      { detached: true, stdio: ['ignore', out, out], cwd: repoRoot },
    );
    daemon.unref();
    const deadline = Date.now() + Number(opts.timeout) * 1000;
    while (Date.now() < deadline) {
      const record = readRecord();
      if (record && record.pid === daemon.pid) {
        console.log(JSON.stringify(record.endpoints));
        printMariaDbHint(record.endpoints);
        return;
      }
      if (daemon.exitCode !== null || !isAlive(daemon.pid ?? 0)) break;
      await sleep(250);
    }
    killGroup(daemon.pid, 'SIGTERM');
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
    console.error(`local cloud failed to start; last lines of ${logFile}:\n${tail}`);
    process.exitCode = 1;
  });

program
  .command('down')
  .description('stop everything `up` started and check that no process is left')
  .action(async () => {
    const record = readRecord();
    if (!record) {
      removeLocalCloudRecord();
      console.log('local cloud is not running');
      return;
    }
    process.kill(record.pid, 'SIGTERM');
    const deadline = Date.now() + 60_000;
    while (isAlive(record.pid) && Date.now() < deadline) await sleep(200);
    const left = [record.pid, ...record.children].filter(isAlive);
    for (const pid of left) killGroup(pid, 'SIGKILL');
    removeLocalCloudRecord();
    console.log(
      left.length ? `stopped (force-killed ${left.length} stragglers)` : 'stopped; no process left',
    );
  });

program
  .command('demo')
  .description('run the local pipeline in the foreground; Ctrl-C stops everything')
  .option('--fresh', 'wipe the local Postgres data first (and MariaDB data, with --source mariadb)')
  .addOption(sourceOption())
  .action(async (opts: { fresh?: boolean; source: string }) => {
    if (readRecord()) throw new Error('a local cloud is already running (npm run local:down first)');
    const cloud = await startLocalCloud({
      ...cloudSettings(),
      changeRules: true,
      fresh: Boolean(opts.fresh),
      ...captureSourceOptions(opts.source, mariaDbPortSetting()),
      progress: console.log,
    });
    // Published like local:up's, so `npm run dlq` and `local:down` find a demo too.
    const record = publishCloudRecord(cloud);
    const { api, aws, postgres, web } = cloud.endpoints;
    console.log(`
Holdline is running.
  web UI      ${web}      (orders; ${web}/#/oncall is the on-call panel; local dev sign-in)
  order API   ${api}      (POST /orders, GET /orders, GET /orders/{id}; Bearer token required)
  AWS         ${aws}      (AWS_ENDPOINT_URL=${aws}, region us-east-1, any credentials)
  Postgres    ${postgres}
  logs        ${logDir}${cloud.endpoints.mariadb ? `\n${mariaDbConnectHint(cloud.endpoints.mariadb).join('\n')}` : ''}

Place an order:
  ${curlExample(api, web)}

Ctrl-C stops everything.`);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      console.log('\nstopping …');
      await cloud.stop();
      record.stop();
      console.log('stopped');
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });

await program.parseAsync();
