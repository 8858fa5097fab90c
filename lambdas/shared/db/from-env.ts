import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { boundedAwsClient } from '../aws-client.ts';
import { ConfigError, optionalEnv, requireEnv } from '../env.ts';
import { createDataApiClient } from './data-api-client.ts';
import { createPgClient } from './pg-client.ts';
import type { SqlClient } from './sql-client.ts';
import { verifyFullTls } from './tls.ts';

async function secretCredentials(secretArn: string): Promise<{ username: string; password: string }> {
  const out = await new SecretsManagerClient(boundedAwsClient).send(
    new GetSecretValueCommand({ SecretId: secretArn }),
  );
  const parsed = JSON.parse(out.SecretString ?? '{}') as { username?: string; password?: string };
  if (!parsed.username || !parsed.password)
    throw new ConfigError('DB_SECRET_ARN', 'secret lacks username/password');
  return { username: parsed.username, password: parsed.password };
}

/**
 * Picks the driver from the environment: `DATABASE_URL` (local), `DB_DRIVER=pg` (RDS Proxy, credentials from
 * Secrets Manager) or `DB_DRIVER=data-api` (Aurora Data API). Called once per container.
 */
export async function sqlClientFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<SqlClient> {
  if (env.DATABASE_URL) return createPgClient({ connectionString: env.DATABASE_URL });
  const driver = requireEnv('DB_DRIVER', env);
  const database = optionalEnv('DB_NAME', 'holdline', env);
  if (driver === 'data-api') {
    return createDataApiClient({
      resourceArn: requireEnv('DB_CLUSTER_ARN', env),
      secretArn: requireEnv('DB_SECRET_ARN', env),
      database,
    });
  }
  if (driver === 'pg') {
    const { username, password } = await secretCredentials(requireEnv('DB_SECRET_ARN', env));
    return createPgClient({
      host: requireEnv('DB_HOST', env),
      database,
      user: username,
      password,
      // RDS Proxy's certificate, checked against Amazon's CAs and the proxy's name (sslmode=verify-full).
      ssl: verifyFullTls(),
    });
  }
  throw new ConfigError('DB_DRIVER', `must be "pg" or "data-api", got "${driver}"`);
}
