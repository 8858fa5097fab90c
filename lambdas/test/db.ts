import pg from 'pg';

/** Counts rows as the owner, independent of the code under test. */
export async function countRows(): Promise<{ orders: number; outbox: number }> {
  const client = new pg.Client({ connectionString: process.env.HOLDLINE_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ orders: string; outbox: string }>(
      // Not the reconciler's re-drives: a local cloud's scheduled reconciler may ask again for the payment of
      // another test's old pending order at any moment, and that is not a write of the request under test.
      `SELECT (SELECT count(*) FROM orders) AS orders,
              (SELECT count(*) FROM outbox WHERE event_type <> 'OrderPaymentRequested') AS outbox`,
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
