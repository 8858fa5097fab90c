import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type JWTVerifyGetKey,
} from 'jose';
import { KeySetUnavailableError } from './errors.ts';

/** How the authorizer reads the issuer's published keys. */
export interface KeySetOptions {
  /** The issuer's JWKS (`…/.well-known/jwks.json`). */
  url: string;
  /** How long fetched keys are trusted before the set is fetched again: a key removed from the JWKS stops
   *  verifying at most this long after. A `kid` missing from the cache fetches at once (at most every 30 s). */
  cacheMaxAgeSeconds: number;
  /** Tests: answer the fetches without a network. */
  fetch?: FetchImplementation;
}

/** What the token itself is to blame for: no published key has its `kid` (or it has none and the set has many). */
const tokenFaults = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported];

/**
 * The issuer's JWKS, fetched on first use and kept for `cacheMaxAgeSeconds`; a token's `kid` picks its key.
 * An issuer that cannot be read (down, slow, serving junk) is a KeySetUnavailableError, not a bad token: the
 * authorizer fails (API Gateway answers 500), so an outage is not reported to clients as their fault.
 */
export function remoteKeySet(options: KeySetOptions): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(new URL(options.url), {
    cacheMaxAge: options.cacheMaxAgeSeconds * 1000,
    // Short enough that a new key is picked up seconds after its first token, long enough that a stream of
    // tokens with a made-up kid cannot turn into a stream of fetches.
    cooldownDuration: 30_000,
    timeoutDuration: 2_000,
    ...(options.fetch ? { [customFetch]: options.fetch } : {}),
  });
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (tokenFaults.some((fault) => error instanceof fault)) throw error;
      throw new KeySetUnavailableError(options.url, { cause: error });
    }
  };
}
