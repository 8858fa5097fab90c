import pg from 'pg';

/** One short connection to `url` for `work`, closed whatever `work` does: a tool's or a test's few statements. */
export async function withPgClient<T>(url: string, work: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}
