import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * A long transaction that has read `orders` (a report, an analyst's session): it holds ACCESS SHARE on the table
 * until it ends. A DDL statement queues behind it for ACCESS EXCLUSIVE, and every writer then queues behind the
 * DDL: without `lock_timeout` the writers would stall for the rest of this transaction. Resolves once the lock is
 * held; `released` resolves when the transaction has ended, `holdMs` later.
 */
export async function holdReadLock(
  databaseUrl: string,
  holdMs: number,
): Promise<{ released: Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT count(*) FROM orders');
  const released = (async () => {
    try {
      await sleep(holdMs);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  })();
  return { released };
}
