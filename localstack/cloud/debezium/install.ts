import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBEZIUM_VERSION as PINNED_VERSION } from '../../../cdk/lib/constructs/debezium-task.ts';
import { cacheDir } from '../../lib/paths.ts';
import { DebeziumInstallError } from './errors.ts';

/**
 * The version Fargate runs: the CDK app's pin, from which the task image is built, so the local server and the
 * task can never drift apart by accident.
 */
export const DEBEZIUM_VERSION = PINNED_VERSION;

export function imageVersion(image: string): string {
  const tag = /:([^:/]+)$/.exec(image)?.[1];
  if (tag === undefined) throw new DebeziumInstallError(image, `image "${image}" has no version tag`);
  return tag;
}

/** Where a version is unpacked: `~/.cache/holdline/debezium-server-<v>/` holding `run.sh`, `lib/`, the runner jar. */
export function debeziumHome(version: string = DEBEZIUM_VERSION): string {
  return join(cacheDir, `debezium-server-${version}`);
}

export interface DebeziumInstall {
  version: string;
  home: string;
  /** False when an earlier install was reused. */
  fresh: boolean;
  /** Wall time of this call. */
  ms: number;
  /** Size of the downloaded archive (0 when reused). */
  archiveBytes: number;
}

const MARKER = '.installed';

/**
 * Fetches `io.debezium:debezium-server-dist:<version>:tar.gz` from Maven Central with Maven (which verifies
 * the checksum and keeps the archive in `~/.m2`, so a wiped cache unpacks again without a download) and
 * unpacks it. Idempotent: a marker is written only after a complete unpack, into a scratch directory that is
 * renamed into place, so an interrupted install never looks usable.
 */
export async function installDebezium(
  onProgress: (line: string) => void = () => {},
  options: { version?: string } = {},
): Promise<DebeziumInstall> {
  const version = options.version ?? DEBEZIUM_VERSION;
  const home = debeziumHome(version);
  const started = Date.now();
  if (existsSync(join(home, MARKER))) {
    onProgress(`Debezium Server ${version} already installed in ${home}`);
    return { version, home, fresh: false, ms: Date.now() - started, archiveBytes: 0 };
  }
  const scratch = `${home}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    const download = join(scratch, '.download');
    onProgress(`Fetching io.debezium:debezium-server-dist:${version}:tar.gz (about 750 MB) with Maven`);
    await run(
      'mvn',
      [
        '-B',
        '--strict-checksums',
        'dependency:copy',
        `-Dartifact=io.debezium:debezium-server-dist:${version}:tar.gz`,
        `-DoutputDirectory=${download}`,
      ],
      // Only Maven's transfer lines are news to a person watching the set-up.
      (line) => {
        if (/Download(ing|ed) from/.test(line)) onProgress(line.replace(/^\[INFO\] /, ''));
      },
    );
    const archive = join(download, `debezium-server-dist-${version}.tar.gz`);
    const archiveBytes = statSync(archive).size;
    onProgress(`Unpacking ${mb(archiveBytes)} into ${home}`);
    await run('tar', ['-xzf', archive, '-C', scratch, '--strip-components=1']);
    rmSync(download, { recursive: true, force: true });
    runnerJar(scratch, version);
    writeFileSync(join(scratch, MARKER), `${new Date().toISOString()}\n`);
    rmSync(home, { recursive: true, force: true });
    renameSync(scratch, home);
    const ms = Date.now() - started;
    onProgress(`Debezium Server ${version} installed in ${(ms / 1000).toFixed(1)} s`);
    return { version, home, fresh: true, ms, archiveBytes };
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    if (error instanceof DebeziumInstallError) throw error;
    throw new DebeziumInstallError(version, error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}

/** The distribution's runner jar, e.g. `debezium-server-dist-3.6.0.Final-runner.jar` (run.sh globs for it). */
export function runnerJar(home: string, version: string): string {
  const jar = readdirSync(home).find((name) => /^debezium-server-.*-runner\.jar$/.test(name));
  if (jar === undefined || !existsSync(join(home, 'lib')))
    throw new DebeziumInstallError(version, `${home} has no debezium-server-*-runner.jar and lib/`);
  return join(home, jar);
}

const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Runs a command to completion, handing each output line to `onLine`; rejects with the output's tail. */
function run(command: string, args: string[], onLine: (line: string) => void = () => {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let pending = '';
    const take = (chunk: Buffer): void => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.trimEnd());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(`${command} is not on PATH (the Debezium install needs it)`, { cause: error })
          : error,
      ),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${tail}`)),
    );
  });
}
