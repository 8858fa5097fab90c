import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicJwks, signingKeyOf } from '../../lambdas/auth/signing-key.ts';
import { signToken, verifyToken } from '../../lambdas/auth/token.ts';
import { ensureKeyFile, readKeyFile, retireKey, rotateKeyFile } from './key-file.ts';

const policy = { maxAgeSeconds: 43200, minRemainingSeconds: 60 };
const customer = { customerId: 'c-1', role: 'customer' } as const;

describe('token key file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'holdline-keys-'));
    file = join(dir, 'auth', 'token-keys.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates one key however many processes ask for it at once, readable by its owner only', async () => {
    const answers = await Promise.all([ensureKeyFile(file), ensureKeyFile(file), ensureKeyFile(file)]);
    expect(new Set(answers.map(([key]) => key!.kid)).size).toBe(1);
    expect(readKeyFile(file)).toHaveLength(1);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('rotates without downtime: the new key signs, the old stays published until it is retired', async () => {
    const [old] = await ensureKeyFile(file);
    const oldToken = await signToken(await signingKeyOf(old!), customer);

    const rotated = await rotateKeyFile(file);
    expect(rotated.map((k) => k.kid)).toEqual([expect.any(String), old!.kid]);
    const newToken = await signToken(await signingKeyOf(rotated[0]!), customer);
    const during = createLocalJWKSet(publicJwks(readKeyFile(file)));
    expect(await verifyToken(during, oldToken, policy)).toEqual(customer);
    expect(await verifyToken(during, newToken, policy)).toEqual(customer);

    retireKey(file, old!.kid);
    const after = createLocalJWKSet(publicJwks(readKeyFile(file)));
    await expect(verifyToken(after, oldToken, policy)).rejects.toMatchObject({ name: 'InvalidTokenError' });
    expect(await verifyToken(after, newToken, policy)).toEqual(customer);
  });

  it('refuses to retire the key that signs', async () => {
    const [only] = await ensureKeyFile(file);
    expect(() => retireKey(file, only!.kid)).toThrow(/rotate first/);
  });

  it('publishes no private part in the JWKS', async () => {
    await ensureKeyFile(file);
    await rotateKeyFile(file);
    for (const key of publicJwks(readKeyFile(file)).keys) {
      expect(key).not.toHaveProperty('d');
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
  });
});
