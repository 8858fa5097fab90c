import { describe, expect, it } from 'vitest';
import { mariaDbConnectHint, mariaDbUrl } from './mariadb-source.ts';

describe('the local MariaDB source, as local:up prints it', () => {
  const app = { port: 33061, user: 'holdline_app', password: 'holdline-local', database: 'holdline' };

  it('names the application login as a mariadb:// URL', () => {
    expect(mariaDbUrl(app)).toBe('mariadb://holdline_app:holdline-local@127.0.0.1:33061/holdline');
  });

  it('tells the port and the client command that connects with that login', () => {
    const hint = mariaDbConnectHint(mariaDbUrl(app)).join('\n');
    expect(hint).toContain('127.0.0.1:33061');
    expect(hint).toContain(
      'mariadb --protocol=TCP --host=127.0.0.1 --port=33061 --user=holdline_app --password=holdline-local holdline',
    );
  });

  it('decodes a password the URL had to escape', () => {
    const hint = mariaDbConnectHint(mariaDbUrl({ ...app, password: 'p@ss:word' })).join('\n');
    expect(hint).toContain('--password=p@ss:word ');
  });
});
