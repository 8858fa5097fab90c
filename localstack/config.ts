import { join } from 'node:path';
import { logDir, stateDir } from './lib/paths.ts';

/** Where the running cloud records its pid, its children and its endpoints. */
export const cloudFile = join(stateDir, 'cloud.json');

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
    // AWS_ENDPOINT_URL (LocalStack) or DATABASE_URL (an existing server) replace the local parts.
    external: { awsEndpoint: process.env.AWS_ENDPOINT_URL, databaseUrl: process.env.DATABASE_URL },
  };
}
