import pg from 'pg';

export interface SlotState {
  active: boolean;
  /** Last position the consumer confirmed; the slot frees WAL up to here. */
  confirmedFlushLsn: string | null;
  /** `reserved`, `extended`, `unreserved` or `lost` (invalidated). */
  walStatus: string | null;
}

/** The replication slot as Postgres sees it, or undefined when it does not exist. One short connection. */
export async function slotState(databaseUrl: string, slotName: string): Promise<SlotState | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      active: boolean;
      confirmed_flush_lsn: string | null;
      wal_status: string | null;
    }>('SELECT active, confirmed_flush_lsn, wal_status FROM pg_replication_slots WHERE slot_name = $1', [
      slotName,
    ]);
    const row = rows[0];
    return row === undefined
      ? undefined
      : { active: row.active, confirmedFlushLsn: row.confirmed_flush_lsn, walStatus: row.wal_status };
  } finally {
    await client.end();
  }
}
