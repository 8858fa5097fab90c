import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from './errors.ts';
import { bearerToken, signToken, tokenAudience, tokenIssuer, verifyToken } from './token.ts';

const secret = 'unit-test-secret-of-enough-length-0123456789';

describe('tokens', () => {
  it('verifies a token it signed and returns the customer and role', async () => {
    const token = await signToken(secret, { customerId: 'c-1', role: 'customer' });
    expect(await verifyToken(secret, token)).toEqual({ customerId: 'c-1', role: 'customer' });
  });

  it('refuses a token signed with another key', async () => {
    const token = await signToken('another-secret-of-enough-length-0123456789', {
      customerId: 'c-1',
      role: 'oncall',
    });
    await expect(verifyToken(secret, token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an expired token', async () => {
    const token = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('c-1')
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(secret));
    await expect(verifyToken(secret, token)).rejects.toMatchObject({ reason: 'ERR_JWT_EXPIRED' });
  });

  it('refuses a token with an unknown role', async () => {
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('c-1')
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    await expect(verifyToken(secret, token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('reads a bearer token from the Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic xyz')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
