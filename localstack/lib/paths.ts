import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, wherever the clone lives. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Per-clone runtime state: data directories, logs, pid files. Git-ignored. */
export const stateDir = process.env.HOLDLINE_STATE_DIR ?? join(repoRoot, '.holdline');

/** Downloads shared by every clone on this machine (Debezium, DynamoDB Local), so a fresh clone does not refetch. */
export const cacheDir = process.env.HOLDLINE_CACHE_DIR ?? join(homedir(), '.cache', 'holdline');

export const logDir = join(stateDir, 'logs');
export const venvDir = join(stateDir, 'venv');
