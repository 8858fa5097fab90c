import type { TokenPolicy } from '../auth/token.ts';
import { ConfigError, requireEnv } from '../shared/env.ts';

/** The authorizer's environment, named once for the handler and for cdk/lib/constructs/order-api.ts. */
export const AUTHORIZER_ENV = {
  /** The issuer's JWKS URL. */
  jwksUrl: 'TOKEN_JWKS_URL',
  /** Seconds fetched keys are trusted before the JWKS is fetched again. */
  jwksCacheSeconds: 'TOKEN_JWKS_CACHE_SECONDS',
  /** A token older than this, or issued to live longer, is refused. */
  maxAgeSeconds: 'TOKEN_MAX_AGE_SECONDS',
  /** A token with less life left is refused: the API Gateway verdict cache TTL. */
  minRemainingSeconds: 'TOKEN_MIN_REMAINING_SECONDS',
} as const;

export interface AuthorizerSettings extends TokenPolicy {
  jwksUrl: string;
  jwksCacheSeconds: number;
}

function seconds(name: string, env: NodeJS.ProcessEnv): number {
  const value = Number(requireEnv(name, env));
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(name, 'must be a whole number of seconds');
  return value;
}

/** Reads and checks the authorizer's settings; throws a ConfigError naming the first bad variable. */
export function authorizerSettings(env: NodeJS.ProcessEnv = process.env): AuthorizerSettings {
  const jwksUrl = requireEnv(AUTHORIZER_ENV.jwksUrl, env);
  if (!URL.canParse(jwksUrl)) throw new ConfigError(AUTHORIZER_ENV.jwksUrl, 'is not a URL');
  const settings = {
    jwksUrl,
    jwksCacheSeconds: seconds(AUTHORIZER_ENV.jwksCacheSeconds, env),
    maxAgeSeconds: seconds(AUTHORIZER_ENV.maxAgeSeconds, env),
    minRemainingSeconds: seconds(AUTHORIZER_ENV.minRemainingSeconds, env),
  };
  // Otherwise no token could ever pass: each would have to expire later than it may live.
  if (settings.minRemainingSeconds >= settings.maxAgeSeconds)
    throw new ConfigError(
      AUTHORIZER_ENV.minRemainingSeconds,
      `must be under ${AUTHORIZER_ENV.maxAgeSeconds}`,
    );
  return settings;
}
