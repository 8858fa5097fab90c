import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Name of the unprivileged system user the local Postgres runs as when we are root. */
export const serverUserName = 'holdline-pg';

export interface ServerUser {
  uid: number;
  gid: number;
}

/**
 * Postgres refuses to run as root, and CI and the sandbox run as root. Returns undefined when we are not root
 * (run as ourselves); otherwise makes sure a system user exists and returns its ids.
 */
export function ensureServerUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const uid = Number(execFileSync('id', ['-u', serverUserName], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', serverUserName], { encoding: 'utf8' }).trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', serverUserName]);
    return lookup();
  }
}

/** Hands a directory tree to the server user (no-op when not root). */
export function chownTree(path: string, user: ServerUser | undefined): void {
  if (!user) return;
  chownSync(path, user.uid, user.gid);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), user);
}

/** The server user must be able to reach its data directory: give every ancestor the o+x bit it lacks. */
export function makeReachable(path: string, user: ServerUser | undefined): void {
  if (!user) return;
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  }
}
