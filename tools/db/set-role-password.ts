import pg from 'pg';
import { libpqCompatible } from './connection.ts';
import { SecretInputError } from './errors.ts';
import { scramVerifier } from './scram.ts';

/** The `password` of an RDS-style secret (`{"username":…,"password":…}`) given as JSON. */
export function passwordOf(secretJson: string): string {
  let secret: unknown;
  try {
    secret = JSON.parse(secretJson);
  } catch (error) {
    throw new SecretInputError('stdin is not JSON: pipe the SecretString of the role’s secret', {
      cause: error,
    });
  }
  const password = (secret as { password?: unknown } | null)?.password;
  if (typeof password !== 'string' || password === '')
    throw new SecretInputError('the secret has no "password" string');
  return password;
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

// `echo "$SECRET_JSON" | npm run set-role-password -- holdline_app` with DATABASE_URL set (docs/deploy.md, step 3).
if (import.meta.url === `file://${process.argv[1]}`) {
  const role = process.argv[2];
  const url = process.env.DATABASE_URL;
  if (!role || !url) {
    console.error('usage: DATABASE_URL=… set-role-password <role> < secret.json');
    process.exit(2);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  await setRolePassword(url, role, passwordOf(Buffer.concat(chunks).toString('utf8')));
  console.log(`password of ${role} set (as a SCRAM verifier)`);
}
