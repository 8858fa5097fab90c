import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** What Postgres itself uses (`scram_iterations` default). */
const iterations = 4096;

/**
 * A SCRAM-SHA-256 verifier for `password`, in the form Postgres stores (RFC 5802/7677, as `\password` computes
 * it): sending this in `ALTER ROLE … PASSWORD` sets the password without the plaintext ever reaching the server,
 * its statement log or `pg_stat_statements`.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
