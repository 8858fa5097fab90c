import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { ORDERS_SIGNAL_TABLE } from '../../cdk/lib/constructs/debezium-capture.ts';
import type { DebeziumServer } from '../../localstack/cloud/debezium/index.ts';
import { waitForSlotRelease } from '../../localstack/cloud/debezium/readiness.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { RunContext } from '../kit/context.ts';
import { round } from '../kit/stats.ts';
import { type ProbeWrite, probeWriteP99Ms, writeFreezeMs } from '../kit/write-freeze.ts';
import { OFFSET_TABLE, type ResnapshotMode, SLOT } from './plan.ts';
import { startOrdersConnector } from './prepare.ts';
import { startOrdersProbe } from './probe.ts';
import type { RecoveryFigures } from './verdict.ts';
import { stuckOnQuarantine, type ViewDiff, viewQuarantine, waitForView } from './view.ts';

export interface RecoveryIo {
  db: pg.Client;
  sampler: pg.Client;
  doc: DynamoDBDocumentClient;
  cloud: LocalCloud;
  base: string;
  viewTable: string;
  /** The order the probe updates every 10 ms all through the recovery. */
  probeOrderId: string;
}

/** What one recovery measured: the figures the verdict reads, plus what the report shows. */
export interface Recovery extends RecoveryFigures {
  /** Orders whose status or version differ between view and source once the probe stopped (probe included). */
  viewDiffSample: ViewDiff[];
  /** Probe latency over time for the chart, and the window's edges (epoch ms). */
  writes: ProbeWrite[];
  window: { from: number; to: number; streamingAt: number };
}

/** The signal that starts an incremental snapshot of the orders table (the runbook's INSERT, as the CDC role). */
export const INCREMENTAL_SNAPSHOT_SIGNAL = {
  sql: `INSERT INTO ${ORDERS_SIGNAL_TABLE} (id, type, data) VALUES ($1, 'execute-snapshot', $2)`,
  data: JSON.stringify({ 'data-collections': ['public.orders'], type: 'incremental' }),
};

/**
 * The slot cannot be revived: drop it, clear the connector's offsets, start the connector again, and re-read the
 * orders table by `mode` (plan.ts). Measures the re-snapshot (time, rows, WAL), the write freeze a probe writer
 * sees meanwhile, and how far the view is from the source after. `started` receives the new connector at once, so
 * the caller stops it whatever happens next.
 */
export async function recoverByResnapshot(
  ctx: RunContext,
  io: RecoveryIo,
  mode: ResnapshotMode,
  started: (server: DebeziumServer) => void,
): Promise<Recovery> {
  const { sampler, cloud } = io;
  const lsnBefore = (await sampler.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn as string;
  const cloudLogs = join(io.base, 'logs');
  const quarantinedBefore = viewQuarantine(cloudLogs).count;
  const probe = await startOrdersProbe(cloud.database.admin, io.probeOrderId, mode);
  const from = Date.now();
  let to = from;
  let streamingAt = from;
  let writes: ProbeWrite[] = [];
  let caughtUp = false;
  try {
    // The previous connector's walsender may hold the slot for a moment after it stopped.
    await waitForSlotRelease(cloud.database.admin, SLOT);
    await sampler.query('SELECT pg_drop_replication_slot($1)', [SLOT]);
    await sampler.query(`DELETE FROM ${OFFSET_TABLE}`);
    const server = await startOrdersConnector(
      cloud,
      io.base,
      `orders-${mode}`,
      mode === 'incremental' ? 'no_data' : undefined,
    );
    started(server);
    streamingAt = Date.now();
    if (mode === 'incremental') await sendIncrementalSnapshotSignal(cloud.database.cdc, `drill-${from}`);
    const wait = await waitForView(
      io.db,
      io.doc,
      io.viewTable,
      ctx.quick ? 120_000 : 300_000,
      new Set([io.probeOrderId]),
      stuckOnQuarantine(cloudLogs, quarantinedBefore),
    );
    caughtUp = wait.diffs.length === 0;
    if (!caughtUp) ctx.log(`${mode}: ${wait.diffs.length} orders still differ when the wait ended`);
    to = Date.now();
  } finally {
    writes = await probe.stop();
  }
  // The probe order's last versions are still on their way: the whole view, probe included, must settle.
  const view = await waitForView(
    io.db,
    io.doc,
    io.viewTable,
    60_000,
    new Set(),
    stuckOnQuarantine(cloudLogs, quarantinedBefore),
  );
  const quarantine = viewQuarantine(cloudLogs);
  const resnapshotWalBytes = Number(
    (
      await sampler.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 AS d', [
        lsnBefore,
      ])
    ).rows[0].d,
  );
  const resnapshotRows = Number((await sampler.query('SELECT count(*)::int AS n FROM orders')).rows[0].n);
  const recovery: Recovery = {
    mode,
    resnapshotSeconds: round((to - from) / 1000),
    caughtUp,
    connectorStreamingSeconds: round((streamingAt - from) / 1000),
    resnapshotRows,
    resnapshotWalBytes,
    writeFreezeMs: writeFreezeMs(writes, from, to),
    probeWriteP99Ms: probeWriteP99Ms(writes, from, to),
    probeWrites: writes.length,
    probeErrors: probe.errors.slice(0, 10),
    viewDiff: view.diffs.length,
    viewDiffSample: view.diffs.slice(0, 10),
    viewQuarantined: quarantine.count - quarantinedBefore,
    quarantineReasons: quarantine.reasons,
    writes,
    window: { from, to, streamingAt },
  };
  ctx.log(
    `${mode} re-snapshot: ${resnapshotRows} orders in ${recovery.resnapshotSeconds} s (streaming after ` +
      `${recovery.connectorStreamingSeconds} s); write freeze ${recovery.writeFreezeMs} ms, p99 ` +
      `${recovery.probeWriteP99Ms} ms; view diffs ${recovery.viewDiff}; quarantined ${recovery.viewQuarantined}` +
      (recovery.viewQuarantined > 0 ? ` (${recovery.quarantineReasons.join('; ')})` : ''),
  );
  return recovery;
}

/** Sends the signal as the CDC role, as on-call does (migration 0070 grants it INSERT, and no one else). */
async function sendIncrementalSnapshotSignal(cdcUrl: string, id: string): Promise<void> {
  const cdc = new pg.Client({ connectionString: cdcUrl });
  await cdc.connect();
  try {
    await cdc.query(INCREMENTAL_SNAPSHOT_SIGNAL.sql, [id, INCREMENTAL_SNAPSHOT_SIGNAL.data]);
  } finally {
    await cdc.end();
  }
}
