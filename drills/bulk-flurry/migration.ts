import { BULK_MESSAGE_PREFIX } from '../../lambdas/change-rules/bulk-marker.ts';
import { withPgClient } from '../../localstack/lib/pg-session.ts';
import { MIGRATION, type Mode } from './plan.ts';

/** One run of the migration: its transaction, its WAL span and when it ran (ms since epoch). */
export interface MigrationRun {
  mode: Mode;
  rows: number;
  txId: number;
  startedAt: number;
  committedAt: number;
  /** WAL position before its first change and after its commit: every change it made lies between. */
  startLsn: number;
  commitLsn: number;
}

const walPosition = "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8";

/**
 * The captured table the migrations update: `rows` customers, written before the change-rules connector starts
 * (its slot does not exist yet, and it takes no snapshot), so the seeding itself triggers no rule.
 */
export async function seedCustomers(adminUrl: string, rows: number): Promise<void> {
  await withPgClient(adminUrl, (db) =>
    db.query(
      `INSERT INTO customers (id, email, name)
       SELECT gen_random_uuid(), 'seed-' || g || '@example.com', 'Seed ' || g FROM generate_series(1, $1) AS g`,
      [rows],
    ),
  );
}

/**
 * The migration, as an operator would run it: one transaction that renames every seeded customer. `marked`: the
 * bulk marker first, as docs/change-rules.md says; `unmarked`: the same change without it. Each mode writes a
 * name of its own, so the second run really changes every row again.
 */
export async function runMigration(adminUrl: string, mode: Mode): Promise<MigrationRun> {
  return withPgClient(adminUrl, async (db) => {
    const startedAt = Date.now();
    await db.query('BEGIN');
    try {
      const begun = await db.query<{ tx: string; lsn: number }>(
        `SELECT txid_current()::text AS tx, ${walPosition} AS lsn`,
      );
      if (mode === 'marked')
        await db.query('SELECT pg_logical_emit_message(true, $1, $2)', [
          BULK_MESSAGE_PREFIX,
          JSON.stringify({ migration: MIGRATION }),
        ]);
      const updated = await db.query(
        `UPDATE customers SET name = $1 || ' ' || left(id::text, 8) WHERE email LIKE 'seed-%'`,
        [mode],
      );
      await db.query('COMMIT');
      const committedAt = Date.now();
      const after = await db.query<{ lsn: number }>(`SELECT ${walPosition} AS lsn`);
      return {
        mode,
        rows: updated.rowCount ?? 0,
        txId: Number(begun.rows[0]!.tx),
        startedAt,
        committedAt,
        startLsn: Number(begun.rows[0]!.lsn),
        commitLsn: Number(after.rows[0]!.lsn),
      };
    } catch (error) {
      await db.query('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}

/** A plain customer sign-up, committed after a migration: its welcome mail is routed only once the migration is. */
export async function insertSentinel(appUrl: string, id: string): Promise<number> {
  await withPgClient(appUrl, (db) =>
    db.query('INSERT INTO customers (id, email, name) VALUES ($1, $2, $3)', [
      id,
      `sentinel-${id}@example.com`,
      'Sentinel',
    ]),
  );
  return Date.now();
}
