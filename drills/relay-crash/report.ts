import type { ReadableReport, Report } from '../kit/report.ts';
import type { Kill } from './chaos.ts';
import type { countDuplicates, waitForEffects } from './observe.ts';

type Effects = Awaited<ReturnType<typeof waitForEffects>>;
type Duplicates = Awaited<ReturnType<typeof countDuplicates>>;

export interface Observed {
  quick: boolean;
  kills: Kill[];
  ids: string[];
  routerId: string;
  effects: Effects;
  duplicates: Duplicates;
  consumerSeen: { perConsumer: Record<string, unknown>; repeated: number; absorbed: number };
}

/** Lost = routed without an effect, plus events of ours that never reached the stream. */
export function lostEvents(
  missingEffects: number,
  eventIds: Iterable<string>,
  inStream: ReadonlyMap<string, number>,
) {
  return missingEffects + [...eventIds].filter((id) => !inStream.has(id)).length;
}

/**
 * Passes when the kills did produce duplicates, none became a second side effect, no event was lost, and every
 * event reached its consumers in time.
 */
export function relayPassed(
  m: { deliveredDuplicates: number; duplicateEffects: number; lost: number },
  complete: boolean,
) {
  return m.deliveredDuplicates > 0 && m.duplicateEffects === 0 && m.lost === 0 && complete;
}

export function drillReport(o: Observed): { report: Report; readable: ReadableReport } {
  const { kills, duplicates, consumerSeen } = o;
  const { events, complete, final } = o.effects;
  const { perEvent, stats } = duplicates;
  const deliveredDuplicates = duplicates.kinesisDuplicates + duplicates.routerRedeliveries;
  const lost = lostEvents(final.missing.length, new Set(events.map((e) => e.event_id)), perEvent);
  const duplicateEffects = final.duplicates.length;
  const metrics = {
    orders: o.ids.length,
    events: events.length,
    kills: kills.length,
    debeziumKills: kills.filter((k) => k.target === 'debezium').length,
    routerKills: kills.filter((k) => k.target === 'router').length,
    // A kill lands mid-batch (crash) or while a fresh worker initialises (init error); either fails the batch.
    routerInvocationsKilled:
      (stats.functions[o.routerId]?.crashes ?? 0) + (stats.functions[o.routerId]?.initErrors ?? 0),
    deliveredDuplicates,
    kinesisDuplicates: duplicates.kinesisDuplicates,
    routerRedeliveries: duplicates.routerRedeliveries,
    duplicatesReachingConsumers: consumerSeen.repeated,
    absorbedByIdempotency: consumerSeen.absorbed,
    duplicateEffects,
    lost,
    effects: final.effectCount,
  };
  const report: Report = {
    drill: 'relay-crash',
    passed: relayPassed(metrics, complete !== undefined),
    metrics,
    evidence: {
      quick: o.quick,
      kills: kills.map((k) => ({ ...k, at: new Date(k.at).toISOString() })),
      duplicatedInStream: [...perEvent]
        .filter(([, c]) => c > 1)
        .map(([eventId, copies]) => ({ eventId, copies })),
      routerMapping: duplicates.routerMapping,
      routerFunction: stats.functions[o.routerId],
      consumerDeliveries: consumerSeen.perConsumer,
      missing: final.missing.slice(0, 50),
      duplicateEffects: final.duplicates.slice(0, 50),
    },
  };
  return { report, readable: readable(report, kills) };
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
