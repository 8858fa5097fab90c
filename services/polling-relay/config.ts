import type { ConnectionOptions } from 'node:tls';
import { verifyFullTls } from '../../lambdas/shared/db/tls.ts';
import { ConfigError, optionalEnv, requireEnv } from '../../lambdas/shared/env.ts';
import type { RelayLimits } from './relay.ts';

export interface RelayConfig {
  /** Postgres connection string (local), or built from DB_HOST/DB_PORT/DB_NAME + the ECS-injected login. */
  databaseUrl: string;
  /** TLS for the connection: verify-full against the RDS CAs in AWS; whatever DATABASE_URL says locally. */
  ssl: ConnectionOptions | undefined;
  streamName: string;
  /** Wait after a pass that found less than a full batch. Default 500 ms. */
  intervalMs: number;
  limits: RelayLimits;
  /** Postgres ends a session stuck this long inside a claim (its locks go to the other replicas). Default 30 s. */
  idleInTransactionTimeoutMs: number;
  /** A name for logs and the claim log. Default the pid. */
  replicaId: string;
  /** JSONL file every claim and commit is appended to (drill evidence); off when unset. */
  claimLog: string | undefined;
}

const positiveInt = (name: string, fallback: number, env: NodeJS.ProcessEnv): number => {
  const value = Number(optionalEnv(name, String(fallback), env));
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(name, `must be a positive integer, not "${env[name]}"`);
  return value;
};

function databaseUrl(env: NodeJS.ProcessEnv): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const url = new URL(`postgres://${requireEnv('DB_HOST', env)}:${optionalEnv('DB_PORT', '5432', env)}`);
  url.pathname = `/${requireEnv('DB_NAME', env)}`;
  url.username = requireEnv('DB_USERNAME', env);
  url.password = requireEnv('DB_PASSWORD', env);
  // No sslmode here: TLS comes from `ssl` (verify-full against the RDS CAs). `sslmode=require` would check the
  // chain against Node's public store, which has no RDS CA, and refuse every connection.
  return url.toString();
}

/** Reads and checks the relay's environment once, at start-up; throws ConfigError naming what is wrong. */
export function relayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RelayConfig {
  return {
    databaseUrl: databaseUrl(env),
    // RDS forces TLS (PostgreSQL 15+): the writer's certificate is checked against Amazon's RDS CAs and its name.
    ssl: env.DATABASE_URL ? undefined : verifyFullTls(),
    streamName: requireEnv('OUTBOX_STREAM_NAME', env),
    intervalMs: positiveInt('RELAY_INTERVAL_MS', 500, env),
    limits: {
      maxAggregates: positiveInt('RELAY_MAX_AGGREGATES', 200, env),
      maxRows: positiveInt('RELAY_MAX_ROWS', 2000, env),
    },
    idleInTransactionTimeoutMs: positiveInt('RELAY_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000, env),
    replicaId: optionalEnv('RELAY_ID', String(process.pid), env),
    claimLog: env.RELAY_CLAIM_LOG || undefined,
  };
}
