import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { SqlExecutor } from '../../lambdas/shared/db/sql-client.ts';
import { readSnapshot } from '../../lambdas/slot-monitor/queries.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { BoundedDisk } from '../kit/bounded-disk.ts';
import type { RunContext } from '../kit/context.ts';
import { round } from '../kit/stats.ts';
import { insertOrder } from './orders.ts';
import { mb, type Plan, SLOT } from './plan.ts';
import type { StallClock } from './prepare.ts';

export interface Sample {
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

export interface StallIo {
  /** The owner connection: ballast rows. */
  db: pg.Client;
  /** The app pool: orders, through the order store. */
  orders: SqlExecutor;
  /** Its own connection, so sampling never waits behind a write. */
  sampler: pg.Client;
  cloud: LocalCloud;
  disk: BoundedDisk;
}

/**
 * Writes orders and ballast every 100 ms (`invalidated` tells it when the slot is gone, to count the writes after);
 * `stop` ends the loop and returns the counts.
 */
function startWriter(io: StallIo, plan: Plan, invalidated: () => boolean) {
  let writing = true;
  let ordersWritten = 0;
  let writesAfterInvalidation = 0;
  const writer = (async () => {
    while (writing) {
      await io.db.query(
        `INSERT INTO drill_ballast (pad) SELECT repeat(md5(random()::text), 32) FROM generate_series(1, $1::int)`,
        [plan.ballastRowsPerTick],
      );
      await insertOrder(io.orders);
      ordersWritten++;
      if (invalidated()) writesAfterInvalidation++;
      await sleep(100);
    }
  })();
  return {
    async stop() {
      writing = false;
      await writer;
      return { ordersWritten, writesAfterInvalidation };
    },
  };
}

/** One second's view: the slot as the slot monitor reads it, pg_wal, free disk, alarms in ALARM. */
async function takeSample(io: StallIo, clock: StallClock): Promise<Sample> {
  const snap = await readSnapshot({ query: async (sql) => (await io.sampler.query(sql)).rows });
  const slot = snap.slots.find((s) => s.slotName === SLOT);
  const states = io.cloud.alarms?.states() ?? {};
  return {
    t: clock.seconds(),
    retainedBytes: slot?.retainedBytes ?? null,
    consumerLagBytes: slot?.consumerLagBytes ?? null,
    safeWalSizeBytes: slot?.safeWalSizeBytes ?? null,
    walStatus: slot?.walStatus ?? null,
    invalidationReason: slot?.invalidationReason ?? null,
    pgWalBytes: snap.pgWalBytes,
    freeBytes: io.disk.free(snap.pgWalBytes ?? 0),
    alarmsInAlarm: Object.entries(states)
      .filter(([, s]) => s === 'ALARM')
      .map(([n]) => n),
  };
}

/**
 * With the consumer stopped: writes on, samples every second, until `afterInvalidationMs` past the slot's
 * invalidation (T2) or the deadline. T2 is the first sample with wal_status `lost` or an invalidation reason.
 */
export async function writeUntilInvalidated(ctx: RunContext, io: StallIo, plan: Plan, clock: StallClock) {
  const samples: Sample[] = [];
  let t2: number | undefined;
  const writer = startWriter(io, plan, () => t2 !== undefined);
  const deadline = Date.now() + (ctx.quick ? 120_000 : 600_000);
  let stopAt: number | undefined;
  while (Date.now() < deadline && (stopAt === undefined || Date.now() < stopAt)) {
    const sample = await takeSample(io, clock);
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
  return { samples, t2, ...(await writer.stop()) };
}
export type Stall = Awaited<ReturnType<typeof writeUntilInvalidated>>;
