import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteKeySet } from '../../../lambdas/auth/key-set.ts';
import { verifyToken } from '../../../lambdas/auth/token.ts';
import { devToken } from './dev-token.ts';
import { startTokenIssuer, type TokenIssuer } from './issuer.ts';

const policy = { maxAgeSeconds: 12 * 3600, minRemainingSeconds: 60 };

describe('local token issuer stand-in', () => {
  let issuer: TokenIssuer;
  beforeAll(async () => {
    issuer = await startTokenIssuer(0);
  });
  afterAll(() => issuer.close());

  it('publishes the keys dev tokens are signed with, so the authorizer accepts a dev login token', async () => {
    const keys = remoteKeySet({ url: issuer.jwksUrl, cacheMaxAgeSeconds: 600 });
    expect(await verifyToken(keys, await devToken('c-local', 'oncall'), policy)).toEqual({
      customerId: 'c-local',
      role: 'oncall',
    });
  });

  it('serves public keys only', async () => {
    const jwks = (await (await fetch(issuer.jwksUrl)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });
});
