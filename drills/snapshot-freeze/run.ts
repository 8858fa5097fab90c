import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MariaDbSignals, mariaDbDebeziumProperties } from '../../cdk/lib/debezium-config.ts';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import { DebeziumError } from '../../localstack/cloud/debezium/errors.ts';
import { type MariaDbCapture, startMariaDbCapture } from '../../localstack/cloud/debezium/mariadb-capture.ts';
import { localAccess } from '../../localstack/cloud/local-cloud.ts';
import { mariaDbPortSetting } from '../../localstack/config.ts';
import { logDir } from '../../localstack/lib/paths.ts';
import { freePort } from '../../localstack/lib/process.ts';
import { startEmulators } from '../../localstack/processes/emulators/start.ts';
import { mariaDbQuery } from '../../localstack/processes/mariadb/client.ts';
import { mariaDbDatabase } from '../../localstack/processes/mariadb/database.ts';
import { fillMariaDbOrders } from '../../localstack/processes/mariadb/orders.ts';
import type { RunContext } from '../kit/context.ts';
import { drillParams } from '../kit/params.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { type ThrowawayMariaDb, throwawayMariaDb } from '../kit/throwaway-mariadb.ts';
import { type ProbeWrite, probeWriteP99Ms, writeFreezeMs } from '../kit/write-freeze.ts';
import {
  cdcPauseMs,
  consistent,
  type Delivered,
  duplicates,
  type ModeMetrics,
  reaches,
  snapshotReadAtLeast,
} from './measure.ts';
import { type SnapshotMode, selectModes } from './modes.ts';
import { PROBE_ORDER_ID, PROBE_TABLE_SQL, startProbe } from './probe.ts';
import { freezeReport } from './report.ts';
import { SIGNAL_FILE, signalByFile, signalByTable, withoutSignalWrites } from './signal.ts';
import { defaultRows, maxShards, rowsPerShard, shardsFor } from './size.ts';
import { createStream, deleteStream, readChanges } from './stream.ts';

/**
 * Drill: one MariaDB orders table, snapshotted by every mode in turn while a probe writes every 10 ms; per mode the
 * write freeze, the probe's p99, the CDC pause, the snapshot's length and rate, duplicates and consistency.
 * prepare: a MariaDB filled with N rows, the Kinesis emulator · inject: each mode's snapshot (a capture of its own,
 * fresh offsets, its own stream) · observe: probe acknowledgments, the stream read back, Debezium's lock log line ·
 * verdict: report.ts.
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const params = drillParams(ctx, {
    modes: 'comma-separated modes to run (modes.ts), in that order; default: quick two, full all',
    rows: `rows in the captured table; default quick ${defaultRows.quick}, full ${defaultRows.full}`,
    shards: `shards of each mode's stream (1,000 records/s each); default one per ${rowsPerShard} rows, at most ${maxShards}`,
  });
  // Checked before anything starts: a misspelt mode fails at once.
  const modes = selectModes(ctx.quick, params.list('modes'));
  const rows = Math.trunc(params.number('rows') ?? (ctx.quick ? defaultRows.quick : defaultRows.full));
  const shards = Math.trunc(params.number('shards') ?? shardsFor(rows));
  const started = Date.now();
  const [mariadb, emulators] = await Promise.all([
    throwawayMariaDb('snapshot-freeze', { port: mariaDbPortSetting() }),
    startEmulators(await freePort(), 'snapshot-freeze-emulator'),
  ]);
  try {
    const access = localAccess(emulators.url);
    await mariaDbQuery(mariadb.logins.admin, PROBE_TABLE_SQL);
    await fillMariaDbOrders(mariadb.logins.admin, rows, [PROBE_ORDER_ID]);
    ctx.log(`MariaDB filled with ${rows} rows after ${Date.now() - started} ms`);
    const results: Array<
      ModeMetrics & {
        writes: ProbeWrite[];
        window: { from: number; to: number; snapshotFrom: number; snapshotTo: number };
      }
    > = [];
    for (const [index, mode] of modes.entries()) {
      const measure = () => runMode(ctx, mariadb, access, mode, index, { rows, shards });
      const result =
        mode.kind === 'incremental-read-only'
          ? await withoutSignalWrites(mariadb.logins.admin, measure)
          : await measure();
      ctx.log(`${mode.name}: ${JSON.stringify({ ...result, writes: undefined, window: undefined })}`);
      results.push(result);
    }
    return freezeReport(ctx.quick, { rows, shards, results, wallMs: Date.now() - started });
  } finally {
    await emulators.stop();
    await mariadb.dispose();
  }
}

async function runMode(
  ctx: RunContext,
  mariadb: ThrowawayMariaDb,
  access: AwsAccess,
  mode: SnapshotMode,
  index: number,
  { rows, shards }: { rows: number; shards: number },
) {
  const streamName = `snapshot-freeze-${mode.name}`;
  await createStream(access, streamName, shards);
  const name = `freeze_${mode.name.replace(/-/g, '_')}`;
  // Fresh offsets and schema history: every mode starts as a first start would.
  const dir = join(mariadb.server.dataDir, '..', '..', 'debezium', mode.name);
  rmSync(dir, { recursive: true, force: true });
  const properties = mariaDbDebeziumProperties({
    name,
    database: {
      host: '127.0.0.1',
      port: String(mariadb.server.port),
      dbname: mariaDbDatabase,
      sslMode: 'disable',
    },
    clientServerId: 5500 + index,
    table: `${mariaDbDatabase}.orders`,
    sink: { streamName, region: access.region },
    storage: { offsetsFile: 'offsets.dat', schemaHistoryFile: 'schema-history.dat' },
    heartbeatIntervalMs: 10_000,
    offsetFlushIntervalMs: 1000,
    pollIntervalMs: 50,
    snapshot: { mode: mode.kind === 'initial' ? 'initial' : 'no_data', lockingMode: mode.lockingMode },
    signals: signalsOf(mode),
    routing: { kind: 'table', keyColumn: 'id' },
  });
  const logFile = join(logDir, `debezium-${name}.log`);
  const logOffset = existsSync(logFile) ? statSync(logFile).size : 0;
  const probe = startProbe(mariadb.logins.admin, index);
  const from = Date.now();
  const capture = await startMariaDbCapture({
    properties,
    cdc: mariadb.logins.cdc,
    access,
    region: access.region,
    dataDir: dir,
    name: `debezium-${name}`,
    // An initial snapshot reads the whole table before the binlog client connects, which is what "started" waits
    // for: a large table needs the snapshot's time (the 5 M-row run's first try stopped at the default 120 s).
    timeoutMs: snapshotBoundMs(ctx.quick, rows),
  });
  let writes: ProbeWrite[] = [];
  let to = Date.now();
  const reader = await readChanges(access, streamName);
  try {
    try {
      const signalId = `${name}-${Date.now()}`;
      if (mode.kind === 'incremental-read-only' && mode.signal === 'file')
        signalByFile(dir, signalId, `${mariaDbDatabase}.orders`);
      else if (mode.kind !== 'initial')
        await signalByTable(mariadb.logins.admin, signalId, `${mariaDbDatabase}.orders`);
      await reader.until(
        whileRunning(capture, snapshotReadAtLeast(rows, PROBE_ORDER_ID)),
        snapshotBoundMs(ctx.quick, rows),
      );
      // One more second of probe changes after the last snapshot row: the stream must carry them too.
      await sleep(1000);
    } finally {
      to = Date.now();
      writes = await probe.stop();
    }
    // Every probe change committed must reach the stream before the capture stops: the consistency check needs them.
    const [[last]] = (await mariaDbQuery(
      mariadb.logins.admin,
      `SELECT version FROM orders WHERE id = '${PROBE_ORDER_ID}'`,
    )) as [[string]];
    await reader.until(whileRunning(capture, reaches(PROBE_ORDER_ID, Number(last))), 30_000);
  } finally {
    await capture.stop();
    await reader.close();
  }
  await deleteStream(access, streamName);
  const delivered = reader.changes;
  // A loop, not Math.min(...reads): millions of arguments overflow the stack.
  let [snapshotFrom, snapshotTo] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const d of delivered)
    if (d.op === 'r')
      [snapshotFrom, snapshotTo] = [Math.min(snapshotFrom, d.arrivedAt), Math.max(snapshotTo, d.arrivedAt)];
  if (!Number.isFinite(snapshotFrom)) [snapshotFrom, snapshotTo] = [from, to];
  const snapshotSeconds = Math.max(0.001, (snapshotTo - snapshotFrom) / 1000);
  const source = await sourceVersions(mariadb);
  return {
    mode: mode.name,
    writeFreezeMs: writeFreezeMs(writes, from, to),
    probeWriteP99Ms: probeWriteP99Ms(writes, from, to),
    cdcPauseMs: cdcPauseMs(delivered, PROBE_ORDER_ID, snapshotFrom, snapshotTo),
    snapshotSeconds: Number(snapshotSeconds.toFixed(2)),
    rowsPerSecond: Math.round(
      new Set(delivered.filter((d) => d.op === 'r').map((d) => d.id)).size / snapshotSeconds,
    ),
    duplicates: duplicates(delivered),
    consistent: consistent(delivered, source),
    loggedLockMs: loggedLockMs(capture.logFile, logOffset),
    probeErrors: probe.errors,
    writes,
    window: { from, to, snapshotFrom, snapshotTo },
  };
}

/** The capture's signal channel: read-only modes never let the connector write, the others use the table. */
function signalsOf(mode: SnapshotMode): MariaDbSignals {
  const table = `${mariaDbDatabase}.debezium_signal`;
  if (mode.kind !== 'incremental-read-only') return { kind: 'table', table };
  return {
    kind: 'read-only',
    from:
      mode.signal === 'file'
        ? { channel: 'file', file: SIGNAL_FILE, pollIntervalMs: 1000 }
        : { channel: 'source', table },
  };
}

/** Every source row's version, read in pages by id: one answer for millions of rows would not fit the client. */
async function sourceVersions(mariadb: ThrowawayMariaDb): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  for (let after = ''; ; ) {
    const rows = await mariaDbQuery(
      mariadb.logins.admin,
      `SELECT id, version FROM orders WHERE id > '${after}' ORDER BY id LIMIT ${sourcePage}`,
    );
    for (const [id = '', version = ''] of rows) versions.set(id, Number(version));
    if (rows.length < sourcePage) return versions;
    after = rows[rows.length - 1]?.[0] ?? '';
  }
}

const sourcePage = 200_000;

/**
 * `done`, failing as soon as the capture's JVM has exited: a connector that stopped mid-snapshot (the read-only
 * mode's binlog reset at 2 M rows, README) delivers nothing more, and the wait would otherwise run to its bound.
 */
function whileRunning(capture: MariaDbCapture, done: (changes: readonly Delivered[]) => boolean) {
  return (changes: readonly Delivered[]) => {
    const { exitCode, signalCode } = capture.process.child;
    if (exitCode !== null || signalCode !== null)
      throw new DebeziumError(
        `the capture stopped (${exitCode ?? signalCode}) before the snapshot was read; see ${capture.logFile}`,
      );
    return done(changes);
  };
}

/** The longest a mode's snapshot may take: 1 min quick; full, at least 10 min and room for 200 rows/s. */
const snapshotBoundMs = (quick: boolean, rows: number) =>
  quick ? 60_000 : Math.max(600_000, (rows / 200) * 1000);

/** Debezium's "Writes to MySQL tables prevented for a total of HH:MM:SS.fff" line, in ms (null when not logged). */
function loggedLockMs(logFile: string, offset: number): number | null {
  const text = readFileSync(logFile).subarray(offset).toString('utf8');
  const match = /prevented for a total of (\d+):(\d+):(\d+)\.(\d+)/.exec(text);
  if (!match) return null;
  const [, h, m, s, frac = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(`0.${frac}`) * 1000;
}
