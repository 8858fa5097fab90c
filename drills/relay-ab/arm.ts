import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import { placeOrder } from '../../lambdas/orders/order-store.ts';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import type { SqlClient } from '../../lambdas/shared/db/sql-client.ts';
import type { RunContext } from '../kit/context.ts';
import { percentile, round } from '../kit/stats.ts';
import { tailStream } from '../kit/tail-stream.ts';
import { type Load, measureLoad } from './pg-load.ts';

/** After the last order, how long the load window stays open for the relay to finish its work. */
export const SETTLE_MS = 4000;

const request: PlaceOrder = {
  customerId: 'relay-ab',
  currency: 'USD',
  items: [{ sku: 'BOOK-1', quantity: 1, unitPriceCents: 1250 }],
};
const now = () => performance.timeOrigin + performance.now();

export interface Arm {
  relay: 'cdc' | 'polling';
  orders: number;
  delivered: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  load: Load;
  latencies: number[];
}

/** Where an arm runs: the owner connection (for the load counters), the app role's URL, the stream. */
export interface ArmSetup {
  /** The bench's own emulators. */
  access: AwsAccess;
  admin: pg.Client;
  appUrl: string;
  streamName: string;
  rate: number;
  seconds: number;
}

/** Open loop at `rate`/s for `seconds`; returns commit times by order id. */
async function offer(db: SqlClient, rate: number, seconds: number): Promise<Map<string, number>> {
  const committed = new Map<string, number>();
  const total = Math.round(rate * seconds);
  const t0 = now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    if (due > now()) await sleep(due - now());
    inFlight.push(
      placeOrder(db, request).then(({ order }) => {
        committed.set(order.id, now());
      }),
    );
  }
  await Promise.all(inFlight);
  return committed;
}

/**
 * One arm with whichever relay is running: a warm-up, then the load window and every order's latency. Latency is
 * commit → this bench's stream reader seeing the record (20 ms idle poll per shard), on the bench's clock: the
 * emulator's ApproximateArrivalTimestamp is whole seconds in ferrokinesis 0.7.0, which made an earlier version of
 * this bench report negative latencies.
 */
export async function runArm(relay: Arm['relay'], setup: ArmSetup, ctx: RunContext): Promise<Arm> {
  const { admin, streamName, rate, seconds } = setup;
  // A fresh pool for the polling arm.
  const db = createPgClient({ connectionString: setup.appUrl, max: 8 });
  const seen = new Map<string, number>();
  const tail = tailStream(setup.access, streamName, (data) => {
    const id = placedOrderId(data);
    if (id !== undefined && !seen.has(id)) seen.set(id, now());
  });
  try {
    // Warm-up outside the window: connections, plans, the relay's first PutRecords.
    const warm = await offer(db, 10, 1);
    await waitSeen(seen, warm, 60_000);
    const stop = await measureLoad(admin);
    const committed = await offer(db, rate, seconds);
    await sleep(SETTLE_MS);
    const load = await stop();
    await waitSeen(seen, committed, 60_000);
    const latencies = [...committed].flatMap(([id, at]) => {
      const seenAt = seen.get(id);
      // A record can be read before placeOrder's promise resolves here (one event loop): that is 0, not negative.
      return seenAt === undefined ? [] : [Math.max(0, seenAt - at)];
    });
    ctx.log(
      `${relay}: ${latencies.length}/${committed.size} delivered, p50 ${round(percentile(latencies, 50))} ms`,
    );
    return {
      relay,
      orders: committed.size,
      delivered: latencies.length,
      p50Ms: round(percentile(latencies, 50)),
      p90Ms: round(percentile(latencies, 90)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(percentile(latencies, 100)),
      load,
      latencies,
    };
  } finally {
    await tail.stop();
    await db.close();
  }
}

/** The order id of an OrderPlaced record, or undefined for anything else. */
function placedOrderId(data: string): string | undefined {
  try {
    const e = JSON.parse(data) as { aggregateId?: string; eventType?: string };
    return e.eventType === 'OrderPlaced' && e.aggregateId ? e.aggregateId : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until the stream reader has seen every order, or `timeoutMs` passes. */
async function waitSeen(
  seen: ReadonlyMap<string, number>,
  orders: ReadonlyMap<string, number>,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && ![...orders.keys()].every((id) => seen.has(id))) await sleep(100);
}
