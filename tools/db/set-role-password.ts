import pg from 'pg';
import { libpqCompatible } from './connection.ts';
import { SecretInputError } from './errors.ts';
import { scramVerifier } from './scram.ts';

function parseSecret(secretJson: string): { username?: unknown; password?: unknown } | null {
  try {
    return JSON.parse(secretJson);
  } catch (error) {
    throw new SecretInputError('stdin is not JSON: pipe the SecretString of the role’s secret', {
      cause: error,
    });
  }
}

/** The `password` of an RDS-style secret (`{"username":…,"password":…}`) given as JSON. */
export function passwordOf(secretJson: string): string {
  const password = parseSecret(secretJson)?.password;
  if (typeof password !== 'string' || password === '')
    throw new SecretInputError('the secret has no "password" string');
  return password;
}

/**
 * The role whose password the secret holds: its `username`. A role named on the command line must be that one,
 * so one login's password can never be given to another by a mixed-up pipe.
 */
export function roleOf(secretJson: string, named?: string): string {
  const username = parseSecret(secretJson)?.username;
  if (typeof username !== 'string' || username === '') {
    if (named) return named;
    throw new SecretInputError('the secret has no "username": name the role');
  }
  if (named && named !== username) throw new SecretInputError(`the secret is ${username}'s, not ${named}'s`);
  return username;
}

/** Sets `role`'s password as a SCRAM verifier: the plaintext stays on this machine. */
export async function setRolePassword(databaseUrl: string, role: string, password: string): Promise<void> {
  const db = new pg.Client({ connectionString: libpqCompatible(databaseUrl) });
  await db.connect();
  try {
    await db.query(
      `ALTER ROLE ${db.escapeIdentifier(role)} PASSWORD ${db.escapeLiteral(scramVerifier(password))}`,
    );
  } finally {
    await db.end();
  }
}

// `echo "$SECRET_JSON" | npm run set-role-password [-- <role>]` with DATABASE_URL set (docs/deploy.md, step 3).
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('usage: DATABASE_URL=… set-role-password [role] < secret.json');
    process.exit(2);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks).toString('utf8');
  const role = roleOf(secret, process.argv[2]);
  await setRolePassword(url, role, passwordOf(secret));
  console.log(`password of ${role} set (as a SCRAM verifier)`);
}
