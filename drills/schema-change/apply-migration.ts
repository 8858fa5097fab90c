import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Migration, MigrationStep } from './migrations.ts';
import type { TableShape } from './table-shape.ts';

/** How long a DDL statement may wait for its lock: queued writers wait behind it at most this long. */
export const LOCK_TIMEOUT_MS = 500;
/** Tries per DDL step when its lock is not granted within `LOCK_TIMEOUT_MS` (then the migration fails). */
const LOCK_ATTEMPTS = 20;
const lockNotAvailable = '55P03';

/** A migration step that could not be applied: which one, and why. */
export class MigrationStepError extends Error {
  override name = 'MigrationStepError';
  constructor(
    readonly migration: string,
    readonly step: string,
    options: { cause: unknown },
  ) {
    super(`migration ${migration}, step "${step}" failed: ${(options.cause as Error)?.message}`, options);
  }
}

export interface StepRecord {
  label: string;
  kind: MigrationStep['kind'];
  startedAt: number;
  endedAt: number;
  /** DDL: tries that ran into `lock_timeout` before one got the lock. */
  lockTimeouts: number;
  /** Backfill: batches and rows. */
  batches?: number;
  rows?: number;
}

export interface MigrationRecord {
  name: string;
  change: string;
  startedAt: number;
  endedAt: number;
  steps: StepRecord[];
}

/** What a `release` step switches: the app's table shape, applied once every write in flight has finished. */
export type Release = (shape: Partial<TableShape>) => Promise<void>;

/** Applies one migration step by step (see `MigrationStep`) as the table owner. */
export async function applyMigration(
  db: pg.Client,
  migration: Migration,
  release: Release,
): Promise<MigrationRecord> {
  const startedAt = Date.now();
  const steps: StepRecord[] = [];
  for (const step of migration.steps) {
    const record: StepRecord = {
      label: step.label,
      kind: step.kind,
      startedAt: Date.now(),
      endedAt: 0,
      lockTimeouts: 0,
    };
    try {
      if (step.kind === 'release') await release(step.shape);
      else if (step.kind === 'backfill') Object.assign(record, await backfill(db, step.sql));
      else record.lockTimeouts = await ddl(db, step);
    } catch (error) {
      throw new MigrationStepError(migration.name, step.label, { cause: error });
    }
    record.endedAt = Date.now();
    steps.push(record);
  }
  return { name: migration.name, change: migration.change, startedAt, endedAt: Date.now(), steps };
}

/** One short transaction under `lock_timeout`, retried with a pause while the lock is not granted. */
async function ddl(db: pg.Client, step: Extract<MigrationStep, { kind: 'ddl' }>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (step.concurrently) {
        await db.query(`SET lock_timeout = ${LOCK_TIMEOUT_MS}`);
        await db.query(step.sql);
        await db.query('RESET lock_timeout');
      } else {
        await db.query('BEGIN');
        await db.query(`SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`);
        await db.query(step.sql);
        await db.query('COMMIT');
      }
      return attempt - 1;
    } catch (error) {
      if (step.concurrently) await db.query('RESET lock_timeout').catch(() => {});
      else await db.query('ROLLBACK').catch(() => {});
      if ((error as { code?: string }).code !== lockNotAvailable || attempt >= LOCK_ATTEMPTS) throw error;
      if (step.cleanup) await db.query(step.cleanup);
      await sleep(50 * attempt);
    }
  }
}

/** Repeats one batch (its own transaction, also under `lock_timeout`) until it touches no row. */
async function backfill(db: pg.Client, sql: string): Promise<{ batches: number; rows: number }> {
  let batches = 0;
  let rows = 0;
  while (true) {
    await db.query('BEGIN');
    try {
      await db.query(`SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`);
      const result = await db.query(sql);
      await db.query('COMMIT');
      batches += 1;
      rows += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) === 0) return { batches, rows };
    } catch (error) {
      await db.query('ROLLBACK').catch(() => {});
      if ((error as { code?: string }).code !== lockNotAvailable) throw error;
    }
  }
}
