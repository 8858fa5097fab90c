import { errors, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import { InvalidTokenError, KeySetUnavailableError } from './errors.ts';
import type { SigningKey } from './signing-key.ts';

/** Who a verified token speaks for. `oncall` may read the on-call gauges; every role sees only its own orders. */
export interface Identity {
  customerId: string;
  role: 'customer' | 'oncall';
}

export const tokenIssuer = 'holdline';
export const tokenAudience = 'holdline-api';
/** The one algorithm tokens are signed and verified with: an HS256 token (even one keyed with our public key) or
 *  an `alg: none` token is refused before any key is looked at. */
export const tokenAlgorithm = 'ES256';
const roles = new Set<Identity['role']>(['customer', 'oncall']);

/** What a token must satisfy beyond its signature, issuer, audience and expiry. */
export interface TokenPolicy {
  /** A token issued longer ago than this, or issued to live longer than this, is refused. */
  maxAgeSeconds: number;
  /** A token with less life left than this is refused: the API's authorizer cache keeps a verdict this long, so
   *  a cached "allowed" never outlives its token. */
  minRemainingSeconds: number;
}

/** An ES256 JWT with `kid` = the key's id: `sub` = customer id, `role`, issuer/audience pinned, `iat`, and expiring
 *  after `ttlSeconds` (default 12 h, the longest a token may live: `config.tokenMaxAge`). */
export async function signToken(
  key: SigningKey,
  identity: Identity,
  ttlSeconds = 12 * 3600,
): Promise<string> {
  return new SignJWT({ role: identity.role })
    .setProtectedHeader({ alg: tokenAlgorithm, typ: 'JWT', kid: key.kid })
    .setSubject(identity.customerId)
    .setIssuer(tokenIssuer)
    .setAudience(tokenAudience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key.privateKey);
}

/**
 * Verifies the signature with the published key the token's `kid` names (ES256 only), then issuer, audience,
 * expiry, age and remaining life; the reason is kept for the log, never the client. An unreadable key set is a
 * KeySetUnavailableError (no verdict), not an InvalidTokenError.
 */
export async function verifyToken(
  keys: JWTVerifyGetKey,
  token: string,
  policy: TokenPolicy,
): Promise<Identity> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      algorithms: [tokenAlgorithm],
      issuer: tokenIssuer,
      audience: tokenAudience,
      requiredClaims: ['sub', 'exp', 'iat'],
      maxTokenAge: policy.maxAgeSeconds,
    });
    // A key set of one key matches a token without `kid` too; every token names its key, so rotation is exact.
    if (!protectedHeader.kid) throw new InvalidTokenError('no kid');
    const { iat, exp } = payload as { iat: number; exp: number };
    if (exp - iat > policy.maxAgeSeconds) throw new InvalidTokenError('lifetime over the maximum age');
    if (exp - Date.now() / 1000 < policy.minRemainingSeconds)
      throw new InvalidTokenError('expires within the authorizer cache TTL');
    const role = payload.role as Identity['role'];
    if (!payload.sub || !roles.has(role)) throw new InvalidTokenError('sub or role missing');
    return { customerId: payload.sub, role };
  } catch (error) {
    if (error instanceof InvalidTokenError || error instanceof KeySetUnavailableError) throw error;
    const reason = error instanceof errors.JOSEError ? error.code : 'unreadable token';
    throw new InvalidTokenError(reason, { cause: error });
  }
}

/** `Authorization: Bearer <token>` → the token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
