import { existsSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (this file lives in `<root>/cdk/lib/`). */
export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Checks a repo-relative path (forward slashes, inside the repo, existing) and returns it normalised.
 * The local Lambda runtime resolves `holdline:entry` metadata against the repo root, so a path that is
 * absolute, climbs out, or uses backslashes would only fail later and far away.
 */
export function repoRelative(path: string): string {
  if (isAbsolute(path) || path.includes('\\'))
    throw new Error(`expected a repo-relative path, got "${path}"`);
  const normal = normalize(path).split(sep).join('/');
  if (normal.startsWith('../') || normal === '..') throw new Error(`path "${path}" leaves the repository`);
  if (!existsSync(join(repoRoot, normal))) throw new Error(`path "${path}" does not exist under ${repoRoot}`);
  return normal;
}

/** Absolute path of a repo-relative path. */
export function fromRepoRoot(path: string): string {
  return join(repoRoot, path);
}
