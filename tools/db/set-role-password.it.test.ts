import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../../lambdas/test/db.ts';
import { passwordOf, setRolePassword } from './set-role-password.ts';

describe('set-role-password', () => {
  const role = 'holdline_password_probe';
  // Characters a generated secret may hold and a URL or SQL literal would trip over.
  const password = 'p@ss/w:rd%0A?\'"&=x';
  afterAll(() => adminQuery(`DROP ROLE IF EXISTS ${role}`));

  it('sets a password the role can log in with, stored as a SCRAM verifier, not the plaintext', async () => {
    await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    const url = process.env.HOLDLINE_ADMIN_DATABASE_URL!;
    await setRolePassword(url, role, passwordOf(JSON.stringify({ username: role, password })));

    const login = new URL(url);
    login.username = role;
    login.password = encodeURIComponent(password);
    const client = new pg.Client({ connectionString: login.toString() });
    await client.connect();
    const [me] = (await client.query<{ u: string }>('SELECT current_user AS u')).rows;
    await client.end();
    const [stored] = await adminQuery<{ rolpassword: string }>(
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [role],
    );
    expect(me?.u).toBe(role);
    expect(stored?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(stored?.rolpassword).not.toContain(password);
  });
});
