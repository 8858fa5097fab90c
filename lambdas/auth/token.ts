import { errors, jwtVerify, SignJWT } from 'jose';
import { InvalidTokenError } from './errors.ts';

/** Who a verified token speaks for. `oncall` may read the on-call gauges; every role sees only its own orders. */
export interface Identity {
  customerId: string;
  role: 'customer' | 'oncall';
}

export const tokenIssuer = 'holdline';
export const tokenAudience = 'holdline-api';
const roles = new Set<Identity['role']>(['customer', 'oncall']);

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** An HS256 JWT: `sub` = customer id, `role`, issuer/audience pinned, expiring after `ttlSeconds` (default 12 h). */
export async function signToken(secret: string, identity: Identity, ttlSeconds = 12 * 3600): Promise<string> {
  return new SignJWT({ role: identity.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.customerId)
    .setIssuer(tokenIssuer)
    .setAudience(tokenAudience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keyOf(secret));
}

/** Verifies signature (HS256 only), issuer, audience and expiry; the reason is kept for the log, never the client. */
export async function verifyToken(secret: string, token: string): Promise<Identity> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      issuer: tokenIssuer,
      audience: tokenAudience,
      requiredClaims: ['sub', 'exp'],
    });
    const role = payload.role as Identity['role'];
    if (!payload.sub || !roles.has(role)) throw new InvalidTokenError('sub or role missing');
    return { customerId: payload.sub, role };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    const reason = error instanceof errors.JOSEError ? error.code : 'unreadable token';
    throw new InvalidTokenError(reason, { cause: error });
  }
}

/** `Authorization: Bearer <token>` → the token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
