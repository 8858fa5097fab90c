import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MariaDbLogin, mariaDbQuery, sqlString } from '../../localstack/processes/mariadb/client.ts';
import { cdcUser, mariaDbDatabase } from '../../localstack/processes/mariadb/database.ts';

/** The read-only capture's signal file, in its working directory (`signal.file`, relative). */
export const SIGNAL_FILE = 'snapshot-signals.jsonl';

/** Debezium's `execute-snapshot` signal for an incremental snapshot of `table` (`<database>.<table>`). */
export function executeSnapshotSignal(id: string, table: string) {
  return { id, type: 'execute-snapshot', data: { 'data-collections': [table], type: 'incremental' } };
}

/** Starts an incremental snapshot through the signal table: a row the connector reads back from the binlog. */
export async function signalByTable(admin: MariaDbLogin, id: string, table: string): Promise<void> {
  const { data } = executeSnapshotSignal(id, table);
  await mariaDbQuery(
    admin,
    `INSERT INTO debezium_signal (id, type, data) VALUES (${sqlString(id)}, 'execute-snapshot', ${sqlString(JSON.stringify(data))})`,
  );
}

/**
 * Starts an incremental snapshot through the file channel: one JSON line in the capture's signal file. Written
 * beside it and renamed into place, so the connector never reads half a line (it reads the file whole, then
 * empties it).
 */
export function signalByFile(captureDir: string, id: string, table: string): void {
  const scratch = join(captureDir, `${SIGNAL_FILE}.partial`);
  writeFileSync(scratch, `${JSON.stringify(executeSnapshotSignal(id, table))}\n`);
  renameSync(scratch, join(captureDir, SIGNAL_FILE));
}

/**
 * Takes the capture user's only write privilege (INSERT, DELETE on the signal table, where a signal-table
 * incremental snapshot writes its watermarks) for as long as `work` runs: a read-only snapshot that tried to write
 * would fail instead of passing unnoticed.
 */
export async function withoutSignalWrites<T>(admin: MariaDbLogin, work: () => Promise<T>): Promise<T> {
  const table = `${mariaDbDatabase}.debezium_signal`;
  const user = `'${cdcUser}'@'127.0.0.1'`;
  await mariaDbQuery(admin, `REVOKE INSERT, DELETE ON ${table} FROM ${user}`);
  try {
    return await work();
  } finally {
    await mariaDbQuery(admin, `GRANT INSERT, DELETE ON ${table} TO ${user}`);
  }
}
