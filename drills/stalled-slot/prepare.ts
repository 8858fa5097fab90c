import { join } from 'node:path';
import type { AlarmTransition } from '../../localstack/cloud/alarms/evaluator.ts';
import { type DebeziumServer, startDebezium } from '../../localstack/cloud/debezium/index.ts';
import { type LocalCloud, startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { freePort } from '../../localstack/lib/process.ts';
import { type PostgresServer, startPostgres } from '../../localstack/processes/postgres/server.ts';
import type { RunContext } from '../kit/context.ts';
import { startCloudConnector } from '../kit/drill-cloud.ts';
import { MAIN_PG, type Plan } from './plan.ts';
import { withOrdersSnapshotMode } from './snapshot-override.ts';

/** The primary under test: pg_wal on the bounded disk, max_slot_wal_keep_size at the plan's cap. */
export async function startCappedPostgres(plan: Plan, base: string, waldir: string): Promise<PostgresServer> {
  return startPostgres(
    join(base, 'pg', 'data'),
    await freePort(),
    {
      maxSlotWalKeepSizeMb: plan.capMb,
      maxWalSizeMb: plan.maxWalSizeMb,
      extra: { min_wal_size: '32MB', checkpoint_timeout: '30s', log_checkpoints: 'on' },
    },
    { name: MAIN_PG, waldir },
  );
}

/** The local cloud on that primary, with the slot monitor and the template's alarms on a fast clock. */
export async function startCloudOn(
  ctx: RunContext,
  base: string,
  server: PostgresServer,
  onTransition: (t: AlarmTransition) => void,
): Promise<LocalCloud> {
  return startLocalCloud({
    stateDir: join(base, 'cloud'),
    logDir: join(base, 'logs'),
    ports: { aws: 0, postgres: 0, api: 0 },
    external: { databaseUrl: server.adminUrl },
    // Only the connector under test: the outbox connector plays no part here and would cost start-up time.
    cdc: false,
    progress: (line) => ctx.log(`  ${line}`),
    // Monitor every second, alarm periods of 2 s (60 s / 30): the drill runs in seconds what AWS runs in minutes.
    // Two monitor datapoints per period, so a slow invocation on a loaded machine does not leave a period empty.
    slotGuard: { monitorIntervalMs: 1000, alarmTimeScale: 30, onTransition },
  });
}

/**
 * The `orders` connector (the one whose slot the drill stalls), its offsets under `dataDirName`. `snapshotMode`
 * replaces the template's `snapshot.mode` for this start only, as an ECS container override would.
 */
export function startOrdersConnector(
  cloud: LocalCloud,
  base: string,
  dataDirName: string,
  snapshotMode?: 'no_data',
): Promise<DebeziumServer> {
  const dataDir = join(base, 'cloud', 'debezium', dataDirName);
  if (snapshotMode === undefined) return startCloudConnector(cloud, 'orders', dataDir);
  return startDebezium({
    template: withOrdersSnapshotMode(cloud.template, snapshotMode),
    provisioned: cloud.provisioned,
    connector: 'orders',
    databaseUrl: cloud.database.cdc,
    access: cloud.aws,
    dataDir,
  });
}

/** Seconds since the consumer stopped, and the alarm transitions from then on (none are kept before). */
export function stallClock() {
  let stalledAt = 0;
  const seconds = () => (Date.now() - stalledAt) / 1000;
  const transitions: Array<AlarmTransition & { t: number }> = [];
  return {
    transitions,
    seconds,
    start: () => {
      stalledAt = Date.now();
    },
    onTransition: (t: AlarmTransition) => {
      if (stalledAt > 0) transitions.push({ ...t, t: seconds() });
    },
  };
}
export type StallClock = ReturnType<typeof stallClock>;
