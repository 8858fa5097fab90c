import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { readStreamUntil } from '../../localstack/cloud/debezium/index.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { RunContext } from '../kit/context.ts';
import { waitFor } from '../kit/drill-cloud.ts';
import { type EventRow, effectLogs, effects, eventIdOf } from './effects.ts';

/**
 * Every event must reach every consumer it is routed to; then a little longer, for late duplicates. Returns our
 * events, whether they all completed in time, and the effects counted after the extra wait.
 */
export async function waitForEffects(ctx: RunContext, cloud: LocalCloud, ids: string[]) {
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
      const e = effects(effectLogs(cloud), events);
      return events.length >= 2 * ids.length && e.missing.length === 0 ? e : undefined;
    },
    ctx.quick ? 120_000 : 300_000,
    500,
  );
  await db.end();
  await sleep(3000);
  return { events, complete, final: effects(effectLogs(cloud), events) };
}

/**
 * Duplicates where they happened: the stream itself (Debezium re-sent), and the router's input (a batch handed to
 * the router again after its process died).
 */
export async function countDuplicates(cloud: LocalCloud, eventIds: Set<string>) {
  const stream = await readStreamUntil(
    cloud.aws,
    cloud.output('OrderEventsStreamName'),
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
  const routerMapping = Object.entries(stats.mappings).find(([id]) => id.startsWith('RoutingRouter'))?.[1];
  const routerRedeliveries = Math.max(0, (routerMapping?.records ?? 0) - stream.length);
  return { perEvent, kinesisDuplicates, routerRedeliveries, routerMapping, stats };
}
