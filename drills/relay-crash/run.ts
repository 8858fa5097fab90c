import type { DebeziumServer } from '../../localstack/cloud/debezium/index.ts';
import type { RunContext } from '../kit/context.ts';
import { withDrillCloud } from '../kit/drill-cloud.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { chaosPlan, injectChaos } from './chaos.ts';
import { consumerDeliveries } from './effects.ts';
import { countDuplicates, waitForEffects } from './observe.ts';
import { drillReport } from './report.ts';

/**
 * Drill: SIGKILL the relay — Debezium Server (the outbox connector's JVM) and the router Lambda's worker processes —
 * again and again while orders flow. Every hop is at-least-once, so the kills must produce duplicates (Debezium
 * re-sends what it published after its last committed offset; the router's Kinesis batch is retried after its
 * process died), and none of them may become a second side effect, and no event may be lost.
 * prepare: a cloud of its own · inject: orders and kills (chaos.ts) · observe: effects and duplicates
 * (observe.ts, effects.ts) · verdict: report.ts.
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const plan = chaosPlan(ctx.quick);
  return withDrillCloud(
    'relay-crash',
    ctx,
    () => ({}),
    async ({ cloud, dir }) => {
      const restarted: DebeziumServer[] = [];
      try {
        const { kills, ids, routerId } = await injectChaos(ctx, cloud, dir, plan, restarted);
        const effects = await waitForEffects(ctx, cloud, ids);
        const eventIds = new Set(effects.events.map((e) => e.event_id));
        const duplicates = await countDuplicates(cloud, eventIds);
        const consumerSeen = consumerDeliveries(cloud, eventIds);
        return drillReport({ quick: ctx.quick, kills, ids, routerId, effects, duplicates, consumerSeen });
      } finally {
        for (const server of restarted) await server.stop().catch(() => {});
      }
    },
  );
}
