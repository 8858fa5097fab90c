import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync } from 'node:fs';

/** A directory on a real, size-limited filesystem (a tmpfs), or — when mounting is not allowed — a budget. */
export interface BoundedDisk {
  path: string;
  /** `tmpfs`: the kernel enforces the size; `budget`: the drill only measures against it (no real ENOSPC). */
  kind: 'tmpfs' | 'budget';
  sizeBytes: number;
  /** Why it is a budget, when it is. */
  note?: string;
  /** Free bytes now: statfs for a tmpfs; the budget minus `used()` otherwise. */
  free(used?: number): number;
  release(): void;
}

/** Unmounts whatever an interrupted earlier run left mounted under these paths (no-op otherwise). */
export function releaseStaleMounts(...paths: string[]): void {
  for (const path of paths) {
    try {
      execFileSync('umount', ['-l', path], { stdio: 'pipe' });
    } catch {
      // not mounted
    }
  }
}

/** Mounts a tmpfs of `sizeMb` at `path` (needs root); falls back to a measured budget and says why. */
export function boundedDisk(path: string, sizeMb: number): BoundedDisk {
  mkdirSync(path, { recursive: true });
  const sizeBytes = sizeMb * 1024 * 1024;
  try {
    if (process.getuid?.() !== 0) throw new Error('not root: mount -t tmpfs needs CAP_SYS_ADMIN');
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', path], {
      stdio: 'pipe',
    });
  } catch (error) {
    return {
      path,
      kind: 'budget',
      sizeBytes,
      note: `tmpfs not mounted (${(error as Error).message.split('\n')[0]}); a ${sizeMb} MB budget is measured instead, so no real ENOSPC`,
      free: (used = 0) => sizeBytes - used,
      release: () => rmSync(path, { recursive: true, force: true }),
    };
  }
  return {
    path,
    kind: 'tmpfs',
    sizeBytes,
    free: () => {
      const s = statfsSync(path);
      return s.bavail * s.bsize;
    },
    release: () => {
      try {
        execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      } catch {
        // already unmounted
      }
      rmSync(path, { recursive: true, force: true });
    },
  };
}
