import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { AuthError } from './errors.ts';

const algorithm = 'ES256';

/** A private key that signs tokens, and the id (`kid`) its public half is published under in the JWKS. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

/** A signing key as stored: the private JWK (`d` included) with `kid`, `alg` and `use`. */
export type PrivateJwk = JWK & { kid: string; d: string };

/** A bad key file or JWK; names what is wrong, never the key material. */
export class SigningKeyError extends AuthError {
  override name = 'SigningKeyError';
}

/** A fresh ES256 key pair as a private JWK, its `kid` a random id (so two keys never collide in one set). */
export async function newPrivateJwk(kid: string = randomUUID()): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair(algorithm, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid, alg: algorithm, use: 'sig' } as PrivateJwk;
}

/** The key that signs with a stored private JWK. */
export async function signingKeyOf(jwk: JWK): Promise<SigningKey> {
  if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new SigningKeyError('the private JWK has no kid');
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string')
    throw new SigningKeyError(`key ${jwk.kid} is not a private P-256 (ES256) JWK`);
  return { kid: jwk.kid, privateKey: (await importJWK(jwk, algorithm)) as CryptoKey };
}

/** What a JWKS publishes of a private JWK: the public half only, with its `kid`, `alg` and `use`. */
export function publicJwk(jwk: PrivateJwk): JWK {
  const { kty, crv, x, y, kid, alg, use } = jwk;
  return { kty, crv, x, y, kid, alg: alg ?? algorithm, use: use ?? 'sig' } as JWK;
}

/** `{ keys: [...] }` as served at `/.well-known/jwks.json`. */
export function publicJwks(keys: readonly PrivateJwk[]): { keys: JWK[] } {
  return { keys: keys.map(publicJwk) };
}
