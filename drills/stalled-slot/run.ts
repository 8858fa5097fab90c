import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import type { DebeziumServer } from '../../localstack/cloud/debezium/index.ts';
import { logDir, stateDir } from '../../localstack/lib/paths.ts';
import type { PostgresServer } from '../../localstack/processes/postgres/server.ts';
import { ensureServerUser } from '../../localstack/processes/postgres/server-user.ts';
import { boundedDisk, releaseStaleMounts } from '../kit/bounded-disk.ts';
import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { controlRun } from './control-run.ts';
import { observeStall } from './observe.ts';
import { insertOrder, writeGap } from './orders.ts';
import { FULL, MAIN_PG, type Plan, QUICK, RESNAPSHOT_MODES } from './plan.ts';
import { stallClock, startCappedPostgres, startCloudOn, startOrdersConnector } from './prepare.ts';
import { PROBE_TABLE_SQL } from './probe.ts';
import { readable } from './readable.ts';
import { type Recovery, recoverByResnapshot } from './recovery.ts';
import { writeUntilInvalidated } from './stall.ts';
import { metrics, passed } from './verdict.ts';
import { waitForView } from './view.ts';

/**
 * Drill: a stalled CDC consumer on a primary whose pg_wal lives on a real, size-limited filesystem.
 * The `orders` Debezium connector is stopped; orders (captured) and ballast rows (not captured; WAL is
 * cluster-wide) are written at a steady rate; every second the drill samples the slot, pg_wal, the free disk
 * and the alarm states the local evaluator computes from the template's alarms. It shows the alarm firing
 * (T1), max_slot_wal_keep_size invalidating the slot (T2) before the disk fills, the primary still taking
 * writes, and the recovery (drop slot, clear offsets, Debezium snapshot) until the order view equals the
 * source, once per re-snapshot mode (blocking, then incremental by signal) while a probe writes every 10 ms. A
 * control run without the cap shows what the disk filling does instead.
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const plan = ctx.quick ? QUICK : FULL;
  const base = join(stateDir, 'drills', 'stalled-slot');
  if (process.getuid?.() === 0) releaseStaleMounts(join(base, 'wal'), join(base, 'control-wal'));
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  chmodSync(base, 0o755);
  ensureServerUser();

  const main = await mainRun(ctx, plan, base);
  const control = await controlRun(ctx, plan, base);

  const report: Report = {
    drill: 'stalled-slot',
    passed: passed(main, control),
    metrics: metrics(main, control, plan),
    evidence: {
      quick: ctx.quick,
      plan,
      diskNote: main.diskNote,
      alarmTransitions: main.transitions,
      postgresLog: main.logLines,
      slotAfter: main.slotAfter,
      recoveries: main.recoveries.map(({ writes: _w, ...r }) => r),
      control,
      samples: main.samples,
    },
  };
  return {
    report,
    readable: readable(report, plan, main, control),
  };
}

/**
 * The main run: the cap on, alarms evaluated, recovery by re-snapshot in each mode.
 * prepare (capped primary, cloud, connector, a few orders and the probe's in the view) → inject (stop the
 * connector, keep writing; stall.ts) → observe (observe.ts) → recover blocking, then (connector stopped again,
 * orders written meanwhile) incremental (recovery.ts).
 */
async function mainRun(ctx: RunContext, plan: Plan, base: string) {
  const disk = boundedDisk(join(base, 'wal'), plan.diskMb);
  ctx.log(disk.kind === 'tmpfs' ? `pg_wal on a ${plan.diskMb} MB tmpfs` : (disk.note ?? 'budget'));
  rmSync(join(logDir, `${MAIN_PG}.log`), { force: true });
  let server: PostgresServer | undefined;
  // The connector a recovery started (set from its callback), stopped before the next mode and at the end.
  const restarted: { server?: DebeziumServer | undefined } = {};
  let ordersCdc: DebeziumServer | undefined;
  const clock = stallClock();
  try {
    server = await startCappedPostgres(plan, base, disk.path);
    const cloud = await startCloudOn(ctx, base, server, clock.onTransition);
    const db = new pg.Client({ connectionString: cloud.database.admin });
    const sampler = new pg.Client({ connectionString: cloud.database.admin });
    // Orders go in through the order store as the app role, one connection (one writer loop).
    const orders = createPgClient({ connectionString: cloud.database.app, max: 1 });
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(cloud.aws)));
    try {
      await db.connect();
      await sampler.connect();
      ordersCdc = await startOrdersConnector(cloud, base, 'orders');
      await db.query(
        'CREATE TABLE IF NOT EXISTS drill_ballast (id bigserial PRIMARY KEY, pad text NOT NULL)',
      );
      await db.query(PROBE_TABLE_SQL);
      const viewTable = cloud.provisioned.outputs.OrderViewTableName as string;
      // Before the stall: a few orders reach the view, so the pipeline is known to work; the first is the probe's.
      const probeOrderId = await insertOrder(orders);
      for (let i = 0; i < 4; i++) await insertOrder(orders);
      await waitForView(db, doc, viewTable, 60_000);

      ctx.log('stalling the orders connector (Debezium stopped; its slot stays)');
      await ordersCdc.stop();
      clock.start();
      const stall = await writeUntilInvalidated(ctx, { db, orders, sampler, cloud, disk }, plan, clock);
      const observed = await observeStall(ctx, sampler, stall, clock.transitions);
      const recoveries: Recovery[] = [];
      for (const mode of RESNAPSHOT_MODES) {
        if (restarted.server) {
          // The next mode starts from a lost slot again, with changes the view has not seen.
          await restarted.server.stop();
          restarted.server = undefined;
          await writeGap(orders, db, plan.gapOrders, probeOrderId);
        }
        const io = { db, sampler, doc, cloud, base, viewTable, probeOrderId };
        recoveries.push(
          await recoverByResnapshot(ctx, io, mode, (s) => {
            restarted.server = s;
          }),
        );
      }
      return {
        disk: disk.kind,
        diskNote: disk.note,
        diskBytes: disk.sizeBytes,
        transitions: clock.transitions,
        ...stall,
        ...observed,
        recoveries,
      };
    } finally {
      await restarted.server?.stop().catch(() => {});
      await ordersCdc?.stop().catch(() => {});
      await db.end().catch(() => {});
      await sampler.end().catch(() => {});
      await orders.close().catch(() => {});
      doc.destroy();
      await cloud.stop();
    }
  } finally {
    await server?.stop().catch(() => {});
    disk.release();
  }
}
