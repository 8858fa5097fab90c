import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import { placeOrder } from '../../lambdas/orders/order-store.ts';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import type { SqlClient } from '../../lambdas/shared/db/sql-client.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';
import type { RunContext } from '../kit/context.ts';
import { readStream } from '../kit/relay-fixture.ts';
import { percentile, round } from '../kit/stats.ts';
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

/** One arm with whichever relay is running: a warm-up, then the load window and every order's latency. */
export async function runArm(relay: Arm['relay'], setup: ArmSetup, ctx: RunContext): Promise<Arm> {
  const { admin, streamName, rate, seconds } = setup;
  const kinesis = kinesisClient(setup.access);
  // A fresh pool for the polling arm.
  const db = createPgClient({ connectionString: setup.appUrl, max: 8 });
  try {
    // Warm-up outside the window: connections, plans, the relay's first PutRecords.
    const warm = await offer(db, 10, 1);
    await waitDelivered(kinesis, streamName, warm, 60_000);
    const stop = await measureLoad(admin);
    const committed = await offer(db, rate, seconds);
    await sleep(SETTLE_MS);
    const load = await stop();
    const arrivals = await waitDelivered(kinesis, streamName, committed, 60_000);
    const latencies = [...committed].flatMap(([id, at]) => {
      const arrived = arrivals.get(id);
      return arrived === undefined ? [] : [arrived - at];
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
    await db.close();
    kinesis.destroy();
  }
}

/** Reads the stream until every order has its OrderPlaced record; returns arrival times by order id. */
async function waitDelivered(
  kinesis: ReturnType<typeof kinesisClient>,
  streamName: string,
  orders: Map<string, number>,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  const arrivals = new Map<string, number>();
  while (Date.now() < deadline) {
    for (const r of await readStream(kinesis, streamName)) {
      let e: { aggregateId?: string; eventType?: string };
      try {
        e = JSON.parse(r.data);
      } catch {
        continue;
      }
      if (
        e.eventType === 'OrderPlaced' &&
        e.aggregateId &&
        orders.has(e.aggregateId) &&
        r.arrivalAt !== undefined
      )
        if (!arrivals.has(e.aggregateId)) arrivals.set(e.aggregateId, r.arrivalAt);
    }
    if (arrivals.size >= orders.size) break;
    await sleep(500);
  }
  return arrivals;
}
