import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../../lib/paths.ts';

export const webDir = join(repoRoot, 'web');
export const webDist = join(webDir, 'dist');
const stampFile = join(webDist, '.source-hash');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'dist' || name === 'node_modules') return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** A hash of every source file of web/ (not dist) and the lock file: the build is current when it matches. */
export function webSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of files(webDir).sort()) {
    hash.update(relative(webDir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(readFileSync(join(repoRoot, 'package-lock.json')));
  return hash.digest('hex');
}

/**
 * Builds web/ into web/dist with Vite unless the last build came from the same sources (then it costs one hash
 * of a few files). Returns whether it built.
 */
export function ensureWebBuild(log: (line: string) => void = () => {}): { built: boolean; ms: number } {
  const started = Date.now();
  const hash = webSourceHash();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) return { built: false, ms: 0 };
  log('building web/ with Vite …');
  execFileSync(
    process.execPath,
    [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', webDir],
    {
      cwd: repoRoot,
      stdio: 'pipe',
    },
  );
  writeFileSync(stampFile, hash);
  return { built: true, ms: Date.now() - started };
}
