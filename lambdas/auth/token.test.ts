import { createLocalJWKSet, type JWK, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidTokenError, KeySetUnavailableError } from './errors.ts';
import { remoteKeySet } from './key-set.ts';
import { newPrivateJwk, type PrivateJwk, publicJwk, publicJwks, signingKeyOf } from './signing-key.ts';
import {
  bearerToken,
  signToken,
  type TokenPolicy,
  tokenAudience,
  tokenIssuer,
  verifyToken,
} from './token.ts';

const policy: TokenPolicy = { maxAgeSeconds: 12 * 3600, minRemainingSeconds: 60 };
const customer = { customerId: 'c-1', role: 'customer' } as const;

/** An issuer's JWKS endpoint in memory: `published` is what it serves now; `fetches` counts the reads. */
function issuer(...published: PrivateJwk[]) {
  const state = { published, fetches: 0, down: false };
  const keys = remoteKeySet({
    url: 'https://issuer.test/.well-known/jwks.json',
    cacheMaxAgeSeconds: 600,
    fetch: async () => {
      state.fetches += 1;
      if (state.down) throw new TypeError('fetch failed');
      return Response.json(publicJwks(state.published));
    },
  });
  return { state, keys };
}

/** A token with chosen claims and header, signed with `jwk` (tests of what the issuer would never sign). */
async function craftedToken(
  jwk: PrivateJwk,
  claims: { role?: string; iat?: number; exp?: number },
  header: { kid?: string } = { kid: jwk.kid },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role ?? 'customer' })
    .setProtectedHeader({ alg: 'ES256', ...header })
    .setSubject('c-1')
    .setIssuer(tokenIssuer)
    .setAudience(tokenAudience)
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 3600)
    .sign((await signingKeyOf(jwk)).privateKey);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('tokens', () => {
  it('verifies a token it signed and returns the customer and role', async () => {
    const key = await newPrivateJwk();
    const token = await signToken(await signingKeyOf(key), customer);
    expect(await verifyToken(issuer(key).keys, token, policy)).toEqual(customer);
  });

  it('names its signing key in the header (kid) and signs with ES256', async () => {
    const key = await newPrivateJwk('k-2026-12');
    const token = await signToken(await signingKeyOf(key), customer);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'ES256', kid: 'k-2026-12' });
  });

  it('verifies tokens of the old and the new key while both are published, as during a rotation', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const [old, next] = [await newPrivateJwk(), await newPrivateJwk()];
    const { state, keys } = issuer(old);
    const oldToken = await signToken(await signingKeyOf(old), customer);
    expect(await verifyToken(keys, oldToken, policy)).toEqual(customer);

    // The issuer publishes the new key beside the old one, then signs with it; a warm authorizer's cache
    // predates the new key, and the new kid alone makes it fetch again (past the 30 s cooldown).
    state.published = [old, next];
    vi.advanceTimersByTime(31_000);
    const newToken = await signToken(await signingKeyOf(next), customer);
    expect(await verifyToken(keys, newToken, policy)).toEqual(customer);
    expect(await verifyToken(keys, oldToken, policy)).toEqual(customer);
    expect(state.fetches).toBe(2);
  });

  it('refuses a token whose key is no longer published, once the cached key set has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const [old, next] = [await newPrivateJwk(), await newPrivateJwk()];
    const { state, keys } = issuer(old, next);
    const oldToken = await signToken(await signingKeyOf(old), customer);
    expect(await verifyToken(keys, oldToken, policy)).toEqual(customer);

    state.published = [next];
    vi.advanceTimersByTime(601_000);
    await expect(verifyToken(keys, oldToken, policy)).rejects.toMatchObject({
      name: 'InvalidTokenError',
      reason: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    expect(await verifyToken(keys, await signToken(await signingKeyOf(next), customer), policy)).toEqual(
      customer,
    );
  });

  it('refuses a token whose kid the issuer never published', async () => {
    const [published, stranger] = [await newPrivateJwk(), await newPrivateJwk()];
    const token = await signToken(await signingKeyOf(stranger), customer);
    await expect(verifyToken(issuer(published).keys, token, policy)).rejects.toMatchObject({
      reason: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  it('refuses a token that claims a published kid but was signed with another key', async () => {
    const [published, forger] = [await newPrivateJwk(), await newPrivateJwk()];
    const token = await craftedToken(forger, {}, { kid: published.kid });
    await expect(verifyToken(issuer(published).keys, token, policy)).rejects.toMatchObject({
      reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  it('refuses a token without kid, even when the key set has a single key that would verify it', async () => {
    const key = await newPrivateJwk();
    const token = await craftedToken(key, {}, {});
    await expect(verifyToken(issuer(key).keys, token, policy)).rejects.toMatchObject({ reason: 'no kid' });
  });

  it('refuses an HS256 token keyed with the published public key (algorithm confusion)', async () => {
    const key = await newPrivateJwk();
    const published: JWK = publicJwk(key);
    const hmacKeys = [
      JSON.stringify(published),
      JSON.stringify(publicJwks([key])),
      `${published.x}.${published.y}`,
    ];
    for (const secret of hmacKeys) {
      const token = await new SignJWT({ role: 'oncall' })
        .setProtectedHeader({ alg: 'HS256', kid: key.kid })
        .setSubject('c-1')
        .setIssuer(tokenIssuer)
        .setAudience(tokenAudience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(secret));
      await expect(verifyToken(issuer(key).keys, token, policy)).rejects.toMatchObject({
        reason: 'ERR_JOSE_ALG_NOT_ALLOWED',
      });
    }
  });

  it('refuses an unsigned token (alg none)', async () => {
    const key = await newPrivateJwk();
    const body = Buffer.from(
      JSON.stringify({ sub: 'c-1', role: 'oncall', iss: tokenIssuer, aud: tokenAudience, iat: 1, exp: 9e9 }),
    ).toString('base64url');
    const head = Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url');
    await expect(verifyToken(issuer(key).keys, `${head}.${body}.`, policy)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('refuses an expired token', async () => {
    const key = await newPrivateJwk();
    const now = Math.floor(Date.now() / 1000);
    const token = await craftedToken(key, { iat: now - 3600, exp: now - 60 });
    await expect(verifyToken(issuer(key).keys, token, policy)).rejects.toMatchObject({
      reason: 'ERR_JWT_EXPIRED',
    });
  });

  it('refuses a token issued longer ago than the maximum age, though not yet expired', async () => {
    const key = await newPrivateJwk();
    const now = Math.floor(Date.now() / 1000);
    const token = await craftedToken(key, { iat: now - policy.maxAgeSeconds - 60, exp: now + 3600 });
    await expect(verifyToken(issuer(key).keys, token, policy)).rejects.toMatchObject({
      reason: 'ERR_JWT_EXPIRED',
      cause: { claim: 'iat' },
    });
  });

  it('refuses a fresh token issued to live longer than the maximum age', async () => {
    const key = await newPrivateJwk();
    const now = Math.floor(Date.now() / 1000);
    const token = await craftedToken(key, { iat: now, exp: now + policy.maxAgeSeconds + 60 });
    await expect(verifyToken(issuer(key).keys, token, policy)).rejects.toMatchObject({
      reason: 'lifetime over the maximum age',
    });
  });

  it('refuses a token without iat, whose age cannot be known', async () => {
    const key = await newPrivateJwk();
    const token = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setSubject('c-1')
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setExpirationTime('1h')
      .sign((await signingKeyOf(key)).privateKey);
    await expect(verifyToken(issuer(key).keys, token, policy)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token expiring within the authorizer cache TTL, so no cached verdict outlives it', async () => {
    const key = await newPrivateJwk();
    const now = Math.floor(Date.now() / 1000);
    const token = await craftedToken(key, { iat: now - 600, exp: now + policy.minRemainingSeconds - 5 });
    await expect(verifyToken(issuer(key).keys, token, policy)).rejects.toMatchObject({
      reason: 'expires within the authorizer cache TTL',
    });
  });

  it('refuses a token with an unknown role', async () => {
    const key = await newPrivateJwk();
    const token = await craftedToken(key, { role: 'admin' });
    await expect(verifyToken(issuer(key).keys, token, policy)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('reports an unreachable key set as unavailable, not as a bad token', async () => {
    const key = await newPrivateJwk();
    const { state, keys } = issuer(key);
    state.down = true;
    const token = await signToken(await signingKeyOf(key), customer);
    await expect(verifyToken(keys, token, policy)).rejects.toBeInstanceOf(KeySetUnavailableError);
  });

  it('verifies with a local key set too (the same header and claims checks)', async () => {
    const key = await newPrivateJwk();
    const token = await signToken(await signingKeyOf(key), customer);
    expect(await verifyToken(createLocalJWKSet(publicJwks([key])), token, policy)).toEqual(customer);
  });

  it('reads a bearer token from the Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic xyz')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
