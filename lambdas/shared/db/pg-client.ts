import pg from 'pg';
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

/** `pg` driver: a small pool per Lambda container (RDS Proxy multiplexes in AWS). */
export function createPgClient(config: pg.PoolConfig): SqlClient {
  const pool = new pg.Pool({ max: 5, idleTimeoutMillis: 30_000, ...config });
  // An idle connection the server (or RDS Proxy) closes is an 'error' on the pool; without a listener Node
  // would crash the container. The pool already discards that client; the next query opens a fresh one.
  pool.on('error', (error) => console.warn('postgres: idle connection closed', (error as Error).message));
  return {
    ...executor(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
