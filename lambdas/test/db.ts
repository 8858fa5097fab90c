import pg from 'pg';

/**
 * Counts rows as the owner, independent of the code under test. With `customerId`, only that customer's orders and
 * their events: a test whose local cloud runs consumers sees them settle other tests' old orders meanwhile.
 */
export async function countRows(customerId?: string): Promise<{ orders: number; outbox: number }> {
  const client = new pg.Client({ connectionString: process.env.HOLDLINE_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ orders: string; outbox: string }>(
      // Not the reconciler's re-drives: a local cloud's scheduled reconciler may ask again for the payment of
      // another test's old pending order at any moment, and that is not a write of the request under test.
      `SELECT (SELECT count(*) FROM orders WHERE $1::text IS NULL OR customer_id = $1) AS orders,
              (SELECT count(*) FROM outbox WHERE event_type <> 'OrderPaymentRequested'
                 AND ($1::text IS NULL
                      OR aggregate_id IN (SELECT id::text FROM orders WHERE customer_id = $1))) AS outbox`,
      [customerId ?? null],
    );
    return { orders: Number(rows[0]!.orders), outbox: Number(rows[0]!.outbox) };
  } finally {
    await client.end();
  }
}

export async function adminQuery<T extends pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: process.env.HOLDLINE_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
