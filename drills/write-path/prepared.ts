import { createHash } from 'node:crypto';
import pg from 'pg';
import { toPositional } from '../../lambdas/shared/db/named-params.ts';
import type { Row, SqlClient, SqlParams } from '../../lambdas/shared/db/sql-client.ts';

/**
 * A client that sends every statement as a named (prepared) one: Postgres parses and plans it once per connection
 * and reuses the plan. For the bench's prepared arms only; the product's driver (createPgClient) sends unnamed
 * statements, which are parsed and planned on every call.
 */
export function preparedClient(config: pg.PoolConfig): SqlClient {
  const pool = new pg.Pool(config);
  // As createPgClient: a connection the server closes is an 'error' on the pool, which would otherwise crash the run.
  pool.on('error', (error) => console.warn('postgres: idle connection closed', error.message));
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) {
      name = `wp_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async query<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
      const { text, values } = toPositional(sql, params);
      return (await pool.query({ name: nameOf(text), text, values })).rows as T[];
    },
    transaction: () => Promise.reject(new Error('the prepared bench client runs single statements only')),
    close: () => pool.end(),
  };
}
