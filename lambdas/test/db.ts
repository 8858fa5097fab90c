import pg from 'pg';

/** Counts rows as the owner, independent of the code under test. */
export async function countRows(): Promise<{ orders: number; outbox: number }> {
  const client = new pg.Client({ connectionString: process.env.HOLDLINE_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ orders: string; outbox: string }>(
      'SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM outbox) AS outbox',
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
