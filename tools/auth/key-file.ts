import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { newPrivateJwk, type PrivateJwk, SigningKeyError } from '../../lambdas/auth/signing-key.ts';

/**
 * A token issuer's private keys in one JSON file, `{ "keys": [<private JWK>, …] }`: the first key signs, every
 * key's public half is published in the JWKS. Rotation without downtime is three steps on this file: `rotate`
 * (a new first key, the old one still published), wait for tokens of the old key to expire, `retire` the old kid.
 */
export function readKeyFile(path: string): PrivateJwk[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new SigningKeyError(`key file ${path} ${missing ? 'does not exist' : 'is not readable JSON'}`, {
      cause: error,
    });
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new SigningKeyError(`key file ${path} has no keys`);
  for (const key of keys as PrivateJwk[])
    if (typeof key?.kid !== 'string' || typeof key.d !== 'string')
      throw new SigningKeyError(`key file ${path}: every key needs kid and its private part (d)`);
  return keys as PrivateJwk[];
}

/** Writes the file whole, readable by its owner only: a reader sees the old keys or the new ones, never half. */
export function writeKeyFile(path: string, keys: readonly PrivateJwk[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** The file's keys; a file with one new key first if there is none. Processes racing here all end up with the
 *  same key: only the first link of a new file succeeds, the others read it. */
export async function ensureKeyFile(path: string): Promise<PrivateJwk[]> {
  try {
    return readKeyFile(path);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys: [await newPrivateJwk()] }, null, 2)}\n`, {
    mode: 0o600,
  });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return readKeyFile(path);
}

/** Rotation step 1: a new key signs from now on; the old ones stay published until retired. */
export async function rotateKeyFile(path: string): Promise<PrivateJwk[]> {
  const keys = [await newPrivateJwk(), ...readKeyFile(path)];
  writeKeyFile(path, keys);
  return keys;
}

/** Rotation step 3: the key leaves the file and so the JWKS; tokens it signed are refused once caches expire. */
export function retireKey(path: string, kid: string): PrivateJwk[] {
  const keys = readKeyFile(path);
  if (keys[0]?.kid === kid) throw new SigningKeyError(`key ${kid} is the signing key: rotate first`);
  if (!keys.some((k) => k.kid === kid)) throw new SigningKeyError(`key ${kid} is not in ${path}`);
  const left = keys.filter((k) => k.kid !== kid);
  writeKeyFile(path, left);
  return left;
}
