import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import { type DebeziumServer, readStreamUntil } from '../../localstack/cloud/debezium/index.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { RunContext } from '../kit/context.ts';
import { placeOrder, startCloudConnector } from '../kit/drill-cloud.ts';

export const ROUTER_ENTRY = 'lambdas/router/handler.ts';

export interface Kill {
  at: number;
  target: 'debezium' | 'router';
  /** Debezium: ms until streaming again. Router: pids killed. */
  detail: number | number[];
}

/** Orders placed at once right before each Debezium kill. */
const BURST = 8;
/** Bursts tried before a Debezium kill, until one is on the stream and not yet committed. */
const MAX_BURSTS = 6;
/** Debezium kills added after the plan while the stream holds no duplicate of ours. */
const EXTRA_DEBEZIUM_KILLS = 3;

export interface ChaosPlan {
  count: number;
  paceMs: number;
  chaosEveryMs: number;
  kills: Array<Kill['target']>;
}

export function chaosPlan(quick: boolean): ChaosPlan {
  return {
    count: quick ? 24 : 200,
    paceMs: quick ? 150 : 100,
    chaosEveryMs: quick ? 1200 : 2000,
    kills: quick
      ? ['router', 'debezium', 'router', 'debezium']
      : [
          'router',
          'debezium',
          'router',
          'router',
          'debezium',
          'router',
          'debezium',
          'router',
          'router',
          'debezium',
        ],
  };
}

/**
 * Orders flow the whole time; the relay is killed underneath them, one target every `chaosEveryMs`. Returns the
 * kills and every order placed. Each restarted connector goes into `restarted` at once, for the caller to stop.
 */
export async function injectChaos(
  ctx: RunContext,
  cloud: LocalCloud,
  dir: string,
  plan: ChaosPlan,
  restarted: DebeziumServer[],
) {
  const routerId = functionIdByEntry(cloud.template, ROUTER_ENTRY);
  const first = cloud.debezium;
  if (!first) throw new Error('relay-crash needs the outbox connector: start its cloud with cdc on');
  let debezium: DebeziumServer = first;
  const kills: Kill[] = [];
  const ids: string[] = [];
  const placed = placeSteadily(ctx, cloud, plan, ids);
  await sleep(plan.chaosEveryMs);
  const killDebezium = async () => {
    const at = Date.now();
    ids.push(...(await burstAheadOfCommit(cloud, debezium, kills.length)));
    await debezium.kill();
    const started = Date.now();
    debezium = await startCloudConnector(cloud, 'outbox', join(dir, 'debezium', 'outbox'));
    restarted.push(debezium);
    kills.push({ at, target: 'debezium', detail: Date.now() - started });
  };
  for (const target of plan.kills) {
    if (target === 'router')
      kills.push({ at: Date.now(), target, detail: cloud.runtime.killWorkers(routerId) });
    else await killDebezium();
    ctx.log(`killed ${target} at +${Math.round((kills.at(-1)!.at - kills[0]!.at) / 1000)} s`);
    await sleep(plan.chaosEveryMs);
  }
  // The pass rule needs a duplicate to prove anything; a kill that landed just after a commit produced none.
  for (let extra = 0; extra < EXTRA_DEBEZIUM_KILLS && !(await streamHasDuplicates(cloud, ids)); extra++) {
    await killDebezium();
    ctx.log(
      `no duplicate on the stream yet: one more Debezium kill (${extra + 1} of ${EXTRA_DEBEZIUM_KILLS})`,
    );
  }
  await placed;
  return { kills, ids, routerId };
}

/** `count` orders through the API, one every `paceMs`, their ids appended to `ids`. */
async function placeSteadily(ctx: RunContext, cloud: LocalCloud, plan: ChaosPlan, ids: string[]) {
  const bar = ctx.progress('relay-crash orders', plan.count);
  try {
    for (let i = 0; i < plan.count; i++) {
      ids.push(await placeOrder(cloud.endpoints.api, 'relay-crash', i));
      bar.tick();
      await sleep(plan.paceMs);
    }
  } finally {
    bar.done();
  }
}

/**
 * Bursts of orders until one is on the stream while the connector has not committed it (its slot confirms nothing
 * past the WAL position from before the burst): a kill then makes the restarted connector send it again. The
 * connector commits with the first batch a full offset.flush.interval.ms after its last commit, so a burst after a
 * quiet spell is committed with its own batch; the next one, sent at once, is not. Waiting for a fixed time instead
 * let a loaded CI machine's kills land after the commit and prove nothing. Returns every order placed.
 */
async function burstAheadOfCommit(cloud: LocalCloud, debezium: DebeziumServer, killIndex: number) {
  const db = new pg.Client({ connectionString: cloud.database.cdc });
  await db.connect();
  const placed: string[] = [];
  try {
    for (let attempt = 0; attempt < MAX_BURSTS; attempt++) {
      const before = (await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!
        .lsn;
      const first = 100_000 + (killIndex * MAX_BURSTS + attempt) * BURST;
      const burst = await Promise.all(
        Array.from({ length: BURST }, (_, j) => placeOrder(cloud.endpoints.api, 'relay-crash', first + j)),
      );
      placed.push(...burst);
      await untilOnStream(cloud, burst);
      const { rows } = await db.query<{ ahead: boolean }>(
        `SELECT confirmed_flush_lsn <= $1::pg_lsn AS ahead FROM pg_replication_slots WHERE slot_name = $2`,
        [before, debezium.slotName],
      );
      if (rows[0]?.ahead) break;
    }
  } finally {
    await db.end();
  }
  return placed;
}

const streamName = (cloud: LocalCloud) => cloud.output('OrderEventsStreamName');

/** Until a record of every order in `orderIds` is on the stream (the partition key is the order id), at most 15 s. */
async function untilOnStream(cloud: LocalCloud, orderIds: readonly string[]) {
  await readStreamUntil(
    cloud.aws,
    streamName(cloud),
    (records) => {
      const keys = new Set(records.map((r) => r.partitionKey));
      return orderIds.every((id) => keys.has(id));
    },
    15_000,
  );
}

/** Whether a record of one of our orders is on the stream twice (Debezium re-sent it). */
async function streamHasDuplicates(cloud: LocalCloud, orderIds: readonly string[]) {
  const ours = new Set(orderIds);
  const records = await readStreamUntil(cloud.aws, streamName(cloud), () => true);
  const seen = new Set<string>();
  for (const r of records) {
    if (!ours.has(r.partitionKey)) continue;
    if (seen.has(r.data)) return true;
    seen.add(r.data);
  }
  return false;
}
