import { execFile } from 'node:child_process';
import { mariaDbBinaries } from './binaries.ts';
import { MariaDbQueryError } from './errors.ts';

/** Who connects where: TCP to 127.0.0.1, never the socket, so accounts and grants are what the network sees. */
export interface MariaDbLogin {
  port: number;
  user: string;
  password: string;
  /** Default database; none for server-wide statements. */
  database?: string;
}

/**
 * Runs SQL through Debian's `mariadb` client and returns the rows as tab-separated fields (`NULL` for null).
 * The project has no MySQL driver for Node; the drills send a statement every few milliseconds at most, which a
 * client process per call keeps up with. Several statements may be sent at once, separated by `;`.
 */
export function mariaDbQuery(login: MariaDbLogin, sql: string): Promise<string[][]> {
  const args = [
    '--protocol=TCP',
    '--host=127.0.0.1',
    `--port=${login.port}`,
    `--user=${login.user}`,
    '--batch',
    '--raw',
    '--skip-column-names',
    ...(login.database ? [`--database=${login.database}`] : []),
    '--execute',
    sql,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      mariaDbBinaries().client,
      args,
      // The password through the environment, not argv (which `ps` shows).
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MYSQL_PWD: login.password }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new MariaDbQueryError(sql, stderr.trim() || error.message, { cause: error }));
          return;
        }
        resolve(
          stdout
            .split('\n')
            .filter((line) => line.length > 0)
            .map((line) => line.split('\t')),
        );
      },
    );
  });
}

/** One JSON document per row: for `SELECT JSON_OBJECT(…)` queries. */
export async function mariaDbJsonRows<T = Record<string, unknown>>(
  login: MariaDbLogin,
  sql: string,
): Promise<T[]> {
  const rows = await mariaDbQuery(login, sql);
  return rows.map((fields) => JSON.parse(fields.join('\t')) as T);
}

/** A string as a SQL literal (single quotes, backslashes and quotes escaped). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
