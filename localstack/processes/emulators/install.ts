import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../lib/paths.ts';

/** Candidates live outside the project's node_modules so the project only ever depends on the winners. */
export const emulatorCache = join(cacheDir, 'emulators');

export function installDir(name: string, version: string): string {
  return join(emulatorCache, `${name}@${version}`);
}

export interface InstallOutcome {
  dir: string;
  ms: number;
  fresh: boolean;
}

/**
 * Runs a command to completion; rejects with the tail of its output so install failures are readable.
 * `onOutput` sees the output as it comes (a long build shows its progress).
 */
export function run(
  command: string,
  args: string[],
  cwd: string,
  onOutput?: (chunk: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      onOutput?.(chunk.toString());
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output}`)),
    );
  });
}

/**
 * Installs once per machine: a `.installed` marker is written only after the install step succeeded, so an
 * interrupted install is wiped and redone instead of leaving a half-filled directory that looks usable.
 */
export async function cached(dir: string, install: (dir: string) => Promise<void>): Promise<InstallOutcome> {
  const marker = join(dir, '.installed');
  if (existsSync(marker)) return { dir, ms: 0, fresh: false };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  await install(dir);
  writeFileSync(marker, new Date().toISOString());
  return { dir, ms: Date.now() - started, fresh: true };
}

export function npmInstall(pkg: string, version: string): Promise<InstallOutcome> {
  return cached(installDir(pkg, version), (dir) =>
    run(
      'npm',
      ['install', '--prefix', dir, `${pkg}@${version}`, '--no-audit', '--no-fund', '--loglevel=error'],
      dir,
    ),
  );
}

/**
 * Maven Central only has thin jars for these servers, so a throwaway POM with the one dependency lets
 * `dependency:copy-dependencies` lay the full runtime classpath (and sqlite4java's .so files) into `lib/`.
 */
export function mavenInstall(
  name: string,
  coords: { groupId: string; artifactId: string; version: string },
): Promise<InstallOutcome> {
  return cached(installDir(name, coords.version), async (dir) => {
    writeFileSync(
      join(dir, 'pom.xml'),
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>holdline.emulators</groupId><artifactId>${name}</artifactId><version>1</version><packaging>pom</packaging>
<dependencies><dependency><groupId>${coords.groupId}</groupId><artifactId>${coords.artifactId}</artifactId>
<version>${coords.version}</version></dependency></dependencies></project>
`,
    );
    await run('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=lib'], dir);
  });
}

/**
 * A Rust emulator built from crates.io, pinned with `--locked` (the crate's own lock file), into the cache.
 * About 3–4 minutes on 2 cores, once per machine; cargo's "Compiling …" lines go to `onOutput` as progress.
 */
export function cargoInstall(
  crate: string,
  version: string,
  onOutput?: (chunk: string) => void,
): Promise<InstallOutcome> {
  return cached(installDir(crate, version), (dir) =>
    run('cargo', ['install', '--locked', '--version', version, '--root', dir, crate], dir, onOutput).catch(
      (error: unknown) => {
        throw new Error(
          `building ${crate}@${version} with cargo failed (is a Rust toolchain installed? https://rustup.rs)`,
          { cause: error },
        );
      },
    ),
  );
}
