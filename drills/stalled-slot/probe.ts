import pg from 'pg';
import { startIntervalProbe } from '../kit/write-freeze.ts';

/** The probe's uncaptured table (WAL of its own, no change event). */
export const PROBE_TABLE_SQL =
  'CREATE TABLE IF NOT EXISTS drill_probe_writes (seq bigint NOT NULL, mode text NOT NULL, at timestamptz NOT NULL DEFAULT now())';

/** Every this many probe writes also updates the captured probe order. */
export const CAPTURED_EVERY = 10;

/**
 * Every 10 ms, one transaction on one session of its own: an INSERT into the uncaptured probe table, and every
 * `CAPTURED_EVERY`th time an UPDATE of the captured probe order (version + 1) too, so the view has a row that changes
 * all through the re-snapshot. Not every time: 100 changes a second would queue before the snapshot's rows on the
 * local one-shard stream and measure the emulator; and since writes go one at a time, a lock on orders still shows
 * as one long write. The owner login: the app role may not update orders. One round trip per write (a
 * multi-statement simple query).
 */
export async function startOrdersProbe(adminUrl: string, probeOrderId: string, mode: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  client.on('error', () => {});
  const probe = startIntervalProbe((seq) =>
    client.query(
      `BEGIN; INSERT INTO drill_probe_writes (seq, mode) VALUES (${seq}, '${mode}'); ` +
        (seq % CAPTURED_EVERY === 0
          ? `UPDATE orders SET version = version + 1, updated_at = now() WHERE id = '${probeOrderId}'; `
          : '') +
        'COMMIT',
    ),
  );
  return {
    errors: probe.errors,
    async stop() {
      const writes = await probe.stop();
      await client.end().catch(() => {});
      return writes;
    },
  };
}
