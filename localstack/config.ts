import type { AwsAccess } from '../lambdas/shared/aws-access.ts';
import { logDir, stateDir } from './lib/paths.ts';

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a TCP port, got "${raw}"`);
  return port;
}

/** Settings for `npm run demo` / `local:up`, from the environment with sensible defaults. */
export function cloudSettings() {
  return {
    stateDir,
    logDir,
    ports: {
      aws: portFrom('HOLDLINE_AWS_PORT', 4566),
      postgres: portFrom('HOLDLINE_PG_PORT', 55432),
      api: portFrom('HOLDLINE_API_PORT', 3000),
      web: portFrom('HOLDLINE_WEB_PORT', 3001),
    },
    // AWS_ENDPOINT_URL (LocalStack) or DATABASE_URL (an existing server), from the user's shell, replace the
    // local parts.
    external: { aws: externalAws(process.env), databaseUrl: process.env.DATABASE_URL },
  };
}

/** `local:up --source <name>`: the capture sources a local cloud can run besides Postgres (which always runs). */
export const MARIADB_SOURCE = 'mariadb';
export const CAPTURE_SOURCES = ['postgres', MARIADB_SOURCE] as const;

/**
 * What `--source` adds to the local cloud's options: nothing for Postgres (a plain start pays for no MariaDB),
 * a MariaDB on `mariaDbPort` (0 = a free one) for `mariadb`.
 */
export function captureSourceOptions(source: string, mariaDbPort: number): { mariadb?: { port: number } } {
  return source === MARIADB_SOURCE ? { mariadb: { port: mariaDbPort } } : {};
}

/** The local MariaDB's port (`HOLDLINE_MARIADB_PORT`); 0, the default, means a free port per start. */
export function mariaDbPortSetting(): number {
  return portFrom('HOLDLINE_MARIADB_PORT', 0);
}

/** An endpoint the user points us at (LocalStack), with their credentials or the dummies emulators take. */
export function externalAws(env: NodeJS.ProcessEnv): AwsAccess | undefined {
  if (!env.AWS_ENDPOINT_URL) return undefined;
  return {
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'test',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'test',
    },
  };
}
