import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { parseOutboxRecord } from '../../lambdas/router/envelope.ts';
import { consumersFor } from '../../lambdas/router/routing.ts';
import {
  type DebeziumServer,
  readStreamUntil,
  startDebezium,
} from '../../localstack/cloud/debezium/index.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { RunContext } from '../kit/context.ts';
import {
  functionIdByEntry,
  functionLogLines,
  output,
  placeOrder,
  waitFor,
  withDrillCloud,
} from '../kit/drill-cloud.ts';
import type { ReadableReport, Report } from '../kit/report.ts';

/**
 * Drill: SIGKILL the relay — Debezium Server (the outbox connector's JVM) and the router Lambda's worker processes —
 * again and again while orders flow. Every hop is at-least-once, so the kills must produce duplicates (Debezium
 * re-sends what it published after its last committed offset; the router's Kinesis batch is retried after its
 * process died), and none of them may become a second side effect, and no event may be lost.
 */

const ROUTER_ENTRY = 'lambdas/router/handler.ts';
const CONSUMERS = ['payment', 'inventory', 'notification'] as const;
type ConsumerName = (typeof CONSUMERS)[number];

interface Kill {
  at: number;
  target: 'debezium' | 'router';
  /** Debezium: ms until streaming again. Router: pids killed. */
  detail: number | number[];
}

interface EventRow {
  event_id: string;
  aggregate_id: string;
  event_type: string;
}

/** Orders placed at once right before each Debezium kill, and how long after them it lands. */
const BURST = 8;
const BURST_TO_KILL_MS = 250;

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const count = ctx.quick ? 24 : 200;
  const paceMs = ctx.quick ? 150 : 100;
  const chaosEveryMs = ctx.quick ? 1200 : 2000;
  const plan: Array<Kill['target']> = ctx.quick
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
      ];
  return withDrillCloud(
    'relay-crash',
    ctx,
    () => ({}),
    async ({ cloud, dir }) => {
      const routerId = functionIdByEntry(cloud, ROUTER_ENTRY);
      let debezium: DebeziumServer | undefined = cloud.debezium;
      const restarted: DebeziumServer[] = [];
      const kills: Kill[] = [];
      const ids: string[] = [];
      try {
        // Orders flow the whole time; the relay is killed underneath them.
        const placed = (async () => {
          const bar = ctx.progress('relay-crash orders', count);
          try {
            for (let i = 0; i < count; i++) {
              ids.push(await placeOrder(cloud.endpoints.api, 'relay-crash', i));
              bar.tick();
              await sleep(paceMs);
            }
          } finally {
            bar.done();
          }
        })();
        await sleep(chaosEveryMs);
        for (const target of plan) {
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
              awsEndpoint: cloud.endpoints.aws,
              dataDir: join(dir, 'debezium', 'outbox'),
            });
            restarted.push(debezium);
            kills.push({ at, target, detail: Date.now() - started });
          }
          ctx.log(`killed ${target} at +${Math.round((at - kills[0]!.at) / 1000)} s`);
          await sleep(chaosEveryMs);
        }
        await placed;

        // Every event must reach every consumer it is routed to; then a little longer, for late duplicates.
        const db = new pg.Client({ connectionString: cloud.database.admin });
        await db.connect();
        let events: EventRow[] = [];
        const complete = await waitFor(
          async () => {
            events = (
              await db.query<EventRow>(
                'SELECT event_id::text, aggregate_id, event_type FROM outbox WHERE aggregate_id = ANY($1)',
                [ids],
              )
            ).rows;
            const e = effects(cloud, events);
            return events.length >= 2 * ids.length && e.missing.length === 0 ? e : undefined;
          },
          ctx.quick ? 120_000 : 300_000,
          500,
        );
        await db.end();
        await sleep(3000);
        const final = effects(cloud, events);
        const eventIds = new Set(events.map((e) => e.event_id));

        // Duplicates where they happened: the stream itself (Debezium re-sent), and the router's input (a batch
        // handed to the router again after its process died).
        const stream = await readStreamUntil(
          output(cloud, 'OrderEventsStreamName'),
          (records) => {
            const seen = new Set(records.map((r) => eventIdOf(r.data)));
            return [...eventIds].every((id) => seen.has(id));
          },
          30_000,
        );
        const perEvent = new Map<string, number>();
        for (const r of stream) {
          const id = eventIdOf(r.data);
          if (id && eventIds.has(id)) perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
        }
        const kinesisDuplicates = [...perEvent.values()].reduce((n, c) => n + c - 1, 0);
        const stats = cloud.runtime.stats();
        const routerMapping = Object.entries(stats.mappings).find(([id]) =>
          id.startsWith('RoutingRouter'),
        )?.[1];
        const routerRedeliveries = Math.max(0, (routerMapping?.records ?? 0) - stream.length);
        const deliveredDuplicates = kinesisDuplicates + routerRedeliveries;

        const consumerSeen = consumerDeliveries(cloud, eventIds);
        const absorbedByIdempotency = consumerSeen.absorbed;
        const lost = final.missing.length + [...eventIds].filter((id) => !perEvent.has(id)).length;
        const duplicateEffects = final.duplicates.length;
        const metrics = {
          orders: ids.length,
          events: events.length,
          kills: kills.length,
          debeziumKills: kills.filter((k) => k.target === 'debezium').length,
          routerKills: kills.filter((k) => k.target === 'router').length,
          // A kill lands mid-batch (crash) or while a fresh worker initialises (init error); either fails the batch.
          routerInvocationsKilled:
            (stats.functions[routerId]?.crashes ?? 0) + (stats.functions[routerId]?.initErrors ?? 0),
          deliveredDuplicates,
          kinesisDuplicates,
          routerRedeliveries,
          duplicatesReachingConsumers: consumerSeen.repeated,
          absorbedByIdempotency,
          duplicateEffects,
          lost,
          effects: final.effectCount,
        };
        const passed =
          deliveredDuplicates > 0 && duplicateEffects === 0 && lost === 0 && complete !== undefined;
        const report: Report = {
          drill: 'relay-crash',
          passed,
          metrics,
          evidence: {
            quick: ctx.quick,
            kills: kills.map((k) => ({ ...k, at: new Date(k.at).toISOString() })),
            duplicatedInStream: [...perEvent]
              .filter(([, c]) => c > 1)
              .map(([eventId, copies]) => ({ eventId, copies })),
            routerMapping,
            routerFunction: stats.functions[routerId],
            consumerDeliveries: consumerSeen.perConsumer,
            missing: final.missing.slice(0, 50),
            duplicateEffects: final.duplicates.slice(0, 50),
          },
        };
        return { report, readable: readable(report, kills) };
      } finally {
        for (const server of restarted) await server.stop().catch(() => {});
      }
    },
  );
}

function eventIdOf(data: string): string | undefined {
  const parsed = parseOutboxRecord(data);
  return parsed.kind === 'event' ? parsed.event.eventId : undefined;
}

/**
 * Side effects per event from the stand-ins' request logs: payment = a charge `created` for the order (OrderPlaced);
 * inventory = a reservation `created` for the order (OrderPlaced); notification = a message for the event (no
 * idempotency key there, so every request is an effect). `missing` = routed but no effect; `duplicates` = > 1.
 */
function effects(cloud: LocalCloud, events: EventRow[]) {
  const charges = new Map<string, number>();
  for (const e of cloud.paymentGateway.log())
    if (e.result === 'created') charges.set(e.idempotencyKey, (charges.get(e.idempotencyKey) ?? 0) + 1);
  const reservations = new Map<string, number>();
  const messages = new Map<string, number>();
  for (const e of cloud.sideEffects.log()) {
    if (e.result !== 'created') continue;
    if (e.service === 'inventory') reservations.set(e.orderId, (reservations.get(e.orderId) ?? 0) + 1);
    else messages.set(e.eventId, (messages.get(e.eventId) ?? 0) + 1);
  }
  const missing: Array<{ eventId: string; consumer: ConsumerName }> = [];
  const duplicates: Array<{ eventId: string; consumer: ConsumerName; effects: number }> = [];
  let effectCount = 0;
  for (const e of events) {
    for (const consumer of consumersFor({ eventId: e.event_id, eventType: e.event_type })) {
      const n =
        consumer === 'payment'
          ? (charges.get(e.aggregate_id) ?? 0)
          : consumer === 'inventory'
            ? (reservations.get(e.aggregate_id) ?? 0)
            : (messages.get(e.event_id) ?? 0);
      effectCount += n;
      if (n === 0) missing.push({ eventId: e.event_id, consumer });
      if (n > 1) duplicates.push({ eventId: e.event_id, consumer, effects: n });
    }
  }
  return { missing, duplicates, effectCount };
}

/** Per consumer: deliveries of our events (applied + answered from the record); repeats reached the consumer. */
function consumerDeliveries(cloud: LocalCloud, eventIds: Set<string>) {
  const perConsumer: Record<string, { applied: number; absorbed: number }> = {};
  let repeated = 0;
  let absorbed = 0;
  for (const consumer of CONSUMERS) {
    const id = functionIdByEntry(cloud, `lambdas/consumers/${consumer}/handler.ts`);
    let text = '';
    try {
      text = readFileSync(join(cloud.endpoints.logs, `lambda-${id}.log`), 'utf8');
    } catch {}
    const lines = functionLogLines(text, ['event applied', 'duplicate absorbed']).filter((l) =>
      eventIds.has(String(l.eventId)),
    );
    const seen = new Map<string, number>();
    for (const l of lines) seen.set(String(l.eventId), (seen.get(String(l.eventId)) ?? 0) + 1);
    repeated += [...seen.values()].reduce((n, c) => n + c - 1, 0);
    const consumerAbsorbed = lines.filter((l) => l.message === 'duplicate absorbed').length;
    absorbed += consumerAbsorbed;
    perConsumer[consumer] = { applied: lines.length - consumerAbsorbed, absorbed: consumerAbsorbed };
  }
  return { perConsumer, repeated, absorbed };
}

function readable(report: Report, kills: Kill[]): ReadableReport {
  const m = report.metrics;
  const t0 = kills[0]?.at ?? 0;
  return {
    title: 'Drill: the relay (Debezium Server and the router) SIGKILLed while orders flow',
    summary: [
      `A whole local cloud on free ports. ${m.orders} orders were placed through the API at a steady pace (${m.events} outbox events: OrderPlaced, then OrderConfirmed from the payment consumer). Meanwhile the relay was killed ${m.kills} times with SIGKILL: Debezium Server's outbox JVM ${m.debeziumKills} times (each time started again on the same offsets and slot), the router Lambda's worker processes ${m.routerKills} times (${m.routerInvocationsKilled} of those kills failed an invocation, mid-batch or during its cold start; a kill of an idle worker only costs the next cold start).`,
      `Duplicates happened: **deliveredDuplicates ${m.deliveredDuplicates}** — ${m.kinesisDuplicates} extra copies of events in the Kinesis stream (Debezium re-sent records published after its last committed offset) and ${m.routerRedeliveries} records handed to the router again (a batch retried after its process died). Where they were absorbed: the router sends every copy with MessageDeduplicationId = event id, so SQS FIFO dropped repeats within its 5-minute window; ${m.duplicatesReachingConsumers} repeats still reached a consumer (a copy sent after the first had been received and deleted is still deduplicated by SQS for 5 minutes, so this is normally 0), and ${m.absorbedByIdempotency} were answered by the idempotency record.`,
      `Effects (from the stand-ins' request logs: gateway charges, warehouse reservations, customer messages): ${m.effects} for ${m.events} events — **duplicateEffects ${m.duplicateEffects}, lost ${m.lost}**.`,
    ].join('\n\n'),
    charts: [
      {
        name: 'kills',
        caption: 'Kills over time (Debezium: seconds until streaming again)',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 480,
          height: 160,
          data: {
            values: kills.map((k) => ({
              seconds: Math.round((k.at - t0) / 100) / 10,
              target: k.target,
              downSeconds: typeof k.detail === 'number' ? Math.round(k.detail / 100) / 10 : 0,
            })),
          },
          mark: { type: 'point', filled: true, size: 80 },
          encoding: {
            x: { field: 'seconds', type: 'quantitative', title: 's since first kill' },
            y: { field: 'target', type: 'nominal', title: null },
            size: { field: 'downSeconds', type: 'quantitative', title: 'restart (s)' },
            color: { field: 'target', type: 'nominal', legend: null },
          },
        },
      },
    ],
  };
}
