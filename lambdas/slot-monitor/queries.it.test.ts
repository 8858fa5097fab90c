import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgClient } from '../shared/db/pg-client.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { adminQuery } from '../test/db.ts';
import { PG17, readSnapshot, slotQuery } from './queries.ts';

// Against the real Postgres of the test set-up, as the monitor's login (holdline_monitor, pg_monitor via migration
// 0060), exactly as the Lambda connects.
const SLOT = 'queries_it_slot';
let monitor: SqlClient;

beforeAll(async () => {
  monitor = createPgClient({ connectionString: process.env.HOLDLINE_MONITOR_DATABASE_URL });
  await adminQuery(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [SLOT]);
  await adminQuery(`SELECT pg_logical_emit_message(true, 'queries-it', repeat('x', 100000))`);
});
afterAll(async () => {
  await adminQuery('SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1', [
    SLOT,
  ]);
  await monitor?.close();
});

describe('readSnapshot', () => {
  it('reads the cap, pg_wal size and an inactive slot with its byte distances as the monitor role', async () => {
    const snap = await readSnapshot(monitor);
    expect(snap.serverVersionNum).toBeGreaterThanOrEqual(PG17);
    expect(snap.capBytes).toBe(1024 * 1024 * 1024);
    expect(snap.pgWalBytes).toBeGreaterThan(0);
    const slot = snap.slots.find((s) => s.slotName === SLOT);
    expect(slot).toMatchObject({ active: false, walStatus: 'reserved', invalidationReason: null });
    expect(slot?.retainedBytes).toBeGreaterThan(100_000);
    expect(slot?.consumerLagBytes).toBeGreaterThan(100_000);
    expect(slot?.inactiveSince).toBeInstanceOf(Date);
  });

  it('sees another session holding an xid as the oldest transaction', async () => {
    const holder = createPgClient({ connectionString: process.env.DATABASE_URL, max: 1 });
    try {
      await holder.transaction(async (tx) => {
        await tx.query('SELECT txid_current()');
        const snap = await readSnapshot(monitor);
        expect(snap.oldestTransaction).toMatchObject({ holdsXid: true });
      });
    } finally {
      await holder.close();
    }
  });

  it('runs the PG 15/16 form of the slot query (no inactive_since, no invalidation_reason)', async () => {
    const rows = await monitor.query<{ inactive_since: unknown; invalidation_reason: unknown }>(
      slotQuery(150000),
    );
    expect(rows.find((r) => (r as { slot_name?: string }).slot_name === SLOT)).toMatchObject({
      inactive_since: null,
      invalidation_reason: null,
    });
  });
});
