import pg from 'pg';
import { isDependencyUnavailable } from '../dependency-failure.ts';
import { toPositional } from './named-params.ts';
import { type Row, type SqlClient, SqlError, type SqlExecutor, type SqlParams } from './sql-client.ts';

// int8 (e.g. version, total_cents) as a JS number: our values stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

function wrap(error: unknown): SqlError {
  const e = error as { message?: string; code?: string; constraint?: string };
  return new SqlError(e.message ?? 'query failed', e.code, e.constraint, { cause: error });
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
      const { text, values } = toPositional(sql, params);
      try {
        return (await client.query(text, values)).rows as T[];
      } catch (error) {
        throw wrap(error);
      }
    },
  };
}

/**
 * Every wait on the database is bounded, well inside a function's timeout: a restarting server refuses at once,
 * but a frozen one (a network partition, a failover in progress) would otherwise hang a call until the Lambda
 * timed out. `query_timeout` is the client's own clock (a frozen server cannot enforce `statement_timeout`);
 * `statement_timeout` stops the server working on for a client that gave up.
 */
export const pgTimeouts = {
  connectionTimeoutMillis: 3_000,
  query_timeout: 5_000,
  statement_timeout: 4_000,
  keepAlive: true,
} satisfies pg.PoolConfig;

/** `pg` driver: a small pool per Lambda container (RDS Proxy multiplexes in AWS). */
export function createPgClient(config: pg.PoolConfig): SqlClient {
  const pool = new pg.Pool({ max: 5, idleTimeoutMillis: 30_000, ...pgTimeouts, ...config });
  // An idle connection the server (or RDS Proxy) closes is an 'error' on the pool; without a listener Node
  // would crash the container. The pool already discards that client; the next query opens a fresh one.
  pool.on('error', (error) => console.warn('postgres: idle connection closed', (error as Error).message));
  return {
    ...executor(pool),
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that timed out or died is discarded, not handed to the next caller still waiting on it.
        if (isDependencyUnavailable(error)) broken = error as Error;
        else await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
