import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import type { DebeziumServer } from '../../localstack/cloud/debezium/index.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { RunContext } from '../kit/context.ts';
import { round } from '../kit/stats.ts';
import { OFFSET_TABLE, SLOT } from './plan.ts';
import { startOrdersConnector } from './prepare.ts';
import { waitForView } from './view.ts';

export interface RecoveryIo {
  db: pg.Client;
  sampler: pg.Client;
  doc: DynamoDBDocumentClient;
  cloud: LocalCloud;
  base: string;
  viewTable: string;
}

/**
 * The slot cannot be revived: drop it, clear the connector's offsets, let Debezium snapshot (snapshot.mode
 * when_needed, no offset). Measures the re-snapshot (time, rows, WAL) and how far the view is from the source after.
 * `started` receives the new connector at once, so the caller stops it whatever happens next.
 */
export async function recoverByResnapshot(
  ctx: RunContext,
  io: RecoveryIo,
  started: (server: DebeziumServer) => void,
) {
  const { sampler } = io;
  const lsnBefore = (await sampler.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn as string;
  const recoveryStart = Date.now();
  await sampler.query('SELECT pg_drop_replication_slot($1)', [SLOT]);
  await sampler.query(`DELETE FROM ${OFFSET_TABLE}`);
  started(await startOrdersConnector(io.cloud, io.base, 'orders-resnapshot'));
  const view = await waitForView(io.db, io.doc, io.viewTable, ctx.quick ? 90_000 : 300_000);
  const resnapshotSeconds = round((Date.now() - recoveryStart) / 1000);
  const resnapshotWalBytes = Number(
    (
      await sampler.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 AS d', [
        lsnBefore,
      ])
    ).rows[0].d,
  );
  const resnapshotRows = Number((await sampler.query('SELECT count(*)::int AS n FROM orders')).rows[0].n);
  ctx.log(`re-snapshot: ${resnapshotRows} orders in ${resnapshotSeconds} s; view diffs ${view.diffs.length}`);
  return {
    resnapshotSeconds,
    resnapshotRows,
    resnapshotWalBytes,
    viewDiffAfterRecovery: view.diffs.length,
    viewDiffSample: view.diffs.slice(0, 10),
  };
}
