import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import { type DebeziumServer, startDebezium } from '../../localstack/cloud/debezium/index.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { RunContext } from '../kit/context.ts';
import { placeOrder } from '../kit/drill-cloud.ts';

export const ROUTER_ENTRY = 'lambdas/router/handler.ts';

export interface Kill {
  at: number;
  target: 'debezium' | 'router';
  /** Debezium: ms until streaming again. Router: pids killed. */
  detail: number | number[];
}

/** Orders placed at once right before each Debezium kill, and how long after them it lands. */
const BURST = 8;
const BURST_TO_KILL_MS = 250;

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
  let debezium: DebeziumServer | undefined = cloud.debezium;
  const kills: Kill[] = [];
  const ids: string[] = [];
  const placed = placeSteadily(ctx, cloud, plan, ids);
  await sleep(plan.chaosEveryMs);
  for (const target of plan.kills) {
    const at = Date.now();
    if (target === 'router') {
      kills.push({ at, target, detail: cloud.runtime.killWorkers(routerId) });
    } else if (debezium) {
      // A burst just before the kill, so records are on the stream whose offsets are not flushed yet
      // (offset.flush.interval.ms 1 s): the restarted connector sends them again. Without it a quick run's
      // kill can land in a quiet second and prove nothing.
      const burst = await Promise.all(
        Array.from({ length: BURST }, (_, j) =>
          placeOrder(cloud.endpoints.api, 'relay-crash', 100_000 + kills.length * BURST + j),
        ),
      );
      ids.push(...burst);
      await sleep(BURST_TO_KILL_MS);
      await debezium.kill();
      const started = Date.now();
      debezium = await startDebezium({
        template: cloud.template,
        provisioned: cloud.provisioned,
        connector: 'outbox',
        databaseUrl: cloud.database.cdc,
        access: cloud.aws,
        dataDir: join(dir, 'debezium', 'outbox'),
      });
      restarted.push(debezium);
      kills.push({ at, target, detail: Date.now() - started });
    }
    ctx.log(`killed ${target} at +${Math.round((at - kills[0]!.at) / 1000)} s`);
    await sleep(plan.chaosEveryMs);
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
