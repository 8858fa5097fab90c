import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
    // A burst, and the kill the moment its records are on the stream: they were sent, and their offsets are
    // committed only by the first batch a full offset.flush.interval.ms (1 s) after the last commit, so the
    // restarted connector most likely sends them again. A fixed delay instead let a loaded CI machine's kills land
    // after the commit and prove nothing.
    const burst = await Promise.all(
      Array.from({ length: BURST }, (_, j) =>
        placeOrder(cloud.endpoints.api, 'relay-crash', 100_000 + kills.length * BURST + j),
      ),
    );
    ids.push(...burst);
    await untilOnStream(cloud, burst);
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
