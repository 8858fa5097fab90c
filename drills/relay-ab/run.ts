import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type DebeziumServer, startDebezium } from '../../localstack/cloud/debezium/index.ts';
import { localAccess } from '../../localstack/cloud/local-cloud.ts';
import { localAppTemplate } from '../../localstack/cloud/local-template.ts';
import {
  type CfnTemplate,
  type Provisioned,
  provisionFromTemplate,
} from '../../localstack/cloud/provision/index.ts';
import { stateDir } from '../../localstack/lib/paths.ts';
import { freePort, type ManagedProcess } from '../../localstack/lib/process.ts';
import { startEmulators } from '../../localstack/processes/emulators/start.ts';
import type { RunContext } from '../kit/context.ts';
import { relayStarted, spawnRelay } from '../kit/relay-fixture.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { throwawayPostgres } from '../kit/throwaway-postgres.ts';
import { type Arm, type ArmSetup, runArm } from './arm.ts';
import { POLL_INTERVAL_MS, WHAT_IF_POLL_MS, withDebeziumEnv } from './relays.ts';
import { benchReport } from './report.ts';

export { goalFactor } from './verdict.ts';

/**
 * Bench: the two outbox relays side by side under the same open-loop order rate, one at a time on one
 * database — Debezium Server (WAL → Kinesis, the template's configuration) then the polling relay (500 ms).
 * Latency: commit (placeOrder returned) → the bench's stream reader seeing the record. Load on Postgres over the
 * same window: pg_stat_statements (calls, execution time), rows read (pg_stat_database), outbox index
 * scans and updates (pg_stat_user_tables), WAL written (pg_current_wal_lsn), logical decoding (slot stats).
 * prepare: Postgres, emulators, the template provisioned · inject: the orders of each arm (arm.ts) ·
 * observe: latency and load (arm.ts, pg-load.ts) · verdict: verdict.ts, report.ts.
 */

/** What the arms share, and the relay running now (stopped by `run` whatever happens). */
interface Stage {
  setup: ArmSetup;
  provisioned: Provisioned;
  cdcUrl: string;
  emulatorUrl: string;
  dataDir: string;
  running: { debezium?: DebeziumServer; relay?: ManagedProcess };
}

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const rate = ctx.quick ? 20 : 50;
  const seconds = ctx.quick ? 4 : 30;
  const postgres = await throwawayPostgres('relay-ab');
  const emulators = await startEmulators(await freePort(), 'relay-ab-emulator');
  const admin = new pg.Client({ connectionString: postgres.urls.admin });
  admin.on('error', () => {});
  const running: Stage['running'] = {};
  try {
    const access = localAccess(emulators.url);
    await admin.connect();
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const template = localAppTemplate();
    const provisioned = await provisionFromTemplate(template, access);
    const streamName = provisioned.outputs.OrderEventsStreamName;
    if (!streamName) throw new Error('stack output OrderEventsStreamName is missing');
    const stage: Stage = {
      setup: { access, admin, appUrl: postgres.urls.app, streamName, rate, seconds },
      provisioned,
      cdcUrl: postgres.urls.cdc,
      emulatorUrl: emulators.url,
      dataDir: join(stateDir, 'drills', 'relay-ab', 'debezium'),
      running,
    };

    // Arm 1: CDC. The database is in 'cdc' mode (rows born sent); only Debezium delivers.
    ctx.log('starting Debezium Server (outbox connector) …');
    mkdirSync(stage.dataDir, { recursive: true });
    const cdc = await cdcArm(ctx, stage, template);
    // What-if (full runs only, not the template): the same connector at Debezium's default poll interval, from an
    // in-memory copy of the template; same slot and offsets, so nothing is re-sent.
    const whatIf = ctx.quick
      ? undefined
      : await cdcArm(
          ctx,
          stage,
          withDebeziumEnv(template, { DEBEZIUM_SOURCE_POLL_INTERVAL_MS: String(WHAT_IF_POLL_MS) }),
        );
    const polling = await pollingArm(ctx, stage);
    return benchReport(ctx.quick, { rate, seconds }, { cdc, polling, whatIf });
  } finally {
    await running.relay?.stop().catch(() => {});
    await running.debezium?.stop().catch(() => {});
    await admin.end().catch(() => {});
    await emulators.stop();
    await postgres.dispose();
  }
}

/** An arm with the outbox connector running from `template`; stopped again after it. */
async function cdcArm(ctx: RunContext, stage: Stage, template: CfnTemplate): Promise<Arm> {
  const debezium = await startDebezium({
    template,
    provisioned: stage.provisioned,
    connector: 'outbox',
    databaseUrl: stage.cdcUrl,
    access: stage.setup.access,
    dataDir: stage.dataDir,
  });
  stage.running.debezium = debezium;
  const arm = await runArm('cdc', stage.setup, ctx);
  await debezium.stop();
  stage.running.debezium = undefined;
  return arm;
}

/** Arm 2: polling. Debezium is stopped; rows written from now on are born unsent; one relay delivers. */
async function pollingArm(ctx: RunContext, stage: Stage): Promise<Arm> {
  await stage.setup.admin.query("SELECT outbox_use_relay('polling')");
  stage.running.relay = spawnRelay({
    id: 'relay-ab',
    databaseUrl: stage.setup.appUrl,
    kinesisUrl: stage.emulatorUrl,
    streamName: stage.setup.streamName,
    intervalMs: POLL_INTERVAL_MS,
  });
  await relayStarted(stage.running.relay);
  return runArm('polling', stage.setup, ctx);
}
