import { existsSync, readFileSync } from 'node:fs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { functionIdByEntry, mappingIdsOf } from '../../cdk/lib/template.ts';
import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import { insertOrderWithoutEvent } from '../../lambdas/orders/order-store.ts';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import type { CfnTemplate } from '../../localstack/cloud/provision/index.ts';
import type { RunContext } from '../kit/context.ts';
import { withDrillCloud } from '../kit/drill-cloud.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { applyMigration, type MigrationRecord } from './apply-migration.ts';
import type { EventsByType, PublishedEvent } from './event-diff.ts';
import { holdReadLock } from './long-reader.ts';
import { migrations } from './migrations.ts';
import { checkView, publishedEvents, QuarantineLog } from './observe.ts';
import { OrderWriter, type WrittenOrder } from './order-writer.ts';
import { drillReport, GOLDEN, type Stage } from './report.ts';
import { startWriteProbe } from './write-probe.ts';

const ROUTER_ENTRY = 'lambdas/router/handler.ts';
/** The migration that meets a long reader of `orders` at its first DDL step, and how long the reader holds on. */
const OBSTRUCTED = 'rename-customer-id';

/**
 * Drill: the `orders` table changes under a running pipeline (rename, type change, items moved to a table, a new
 * column with a default: migrations.ts), and the events do not. Golden events are the ones of N logical orders
 * placed before any change; after each migration the same logical orders are placed again and their events, read
 * from `OrderEvents` as other teams receive them, must equal the golden ones field by field (ids and timestamps
 * aside). Meanwhile the order view, fed by raw CDC of `orders`, must show each order right or quarantine its change
 * with the reason, never show it wrong. A probe writer times every write, so each migration's longest pause is known.
 * prepare: a fresh cloud, N preloaded rows (work for the backfills) · inject: migrations.ts via apply-migration.ts ·
 * observe: observe.ts, write-probe.ts · verdict: report.ts.
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const logicalOrders = ctx.quick ? 3 : 12;
  const preloaded = ctx.quick ? 50 : 2_000;
  const obstacleMs = ctx.quick ? 2_000 : 5_000;
  return withDrillCloud(
    'schema-change',
    ctx,
    () => ({
      // The drill is the app: nothing else may write `orders` under it. With the router's mapping off no
      // consumer moves an order (the payment consumer's order store knows the production shape only), and a
      // day-long deadline keeps the reconciler away from the probe's orders.
      adjustTemplate: disableMappingOf(ROUTER_ENTRY),
      localEnv: { RECONCILE_DEADLINE_SECONDS: '86400' },
      slotGuard: false,
    }),
    async ({ cloud }) => {
      const db = new pg.Client({ connectionString: cloud.database.admin });
      const app = createPgClient({ connectionString: cloud.database.app, max: 3 });
      const consumer = createPgClient({ connectionString: cloud.database.consumer, max: 3 });
      const doc = DynamoDBDocumentClient.from(cloud.clients().dynamodb);
      try {
        await db.connect();
        // Through the product's order store, rows only (no events): work for the backfills.
        for (let i = 0; i < preloaded; i++) await insertOrderWithoutEvent(app, preloadRequest(i));
        const writer = new OrderWriter({ api: app, consumer });
        const probe = startWriteProbe(writer);
        const stages: Stage[] = [];
        const migrated: MigrationRecord[] = [];
        let failure: Error | undefined;
        try {
          stages.push({ name: GOLDEN, orders: await placeLogicalOrders(writer, logicalOrders) });
          ctx.log(`golden: ${logicalOrders} logical orders placed and confirmed`);
          for (const migration of migrations) {
            const reader =
              migration.name === OBSTRUCTED
                ? await holdReadLock(cloud.database.admin, obstacleMs)
                : undefined;
            const record = await applyMigration(db, migration, (shape) => writer.release(shape));
            await reader?.released;
            migrated.push(record);
            ctx.log(
              `${migration.name}: ${record.steps.length} steps in ${record.endedAt - record.startedAt} ms`,
            );
            stages.push({ name: migration.name, orders: await placeLogicalOrders(writer, logicalOrders) });
          }
        } catch (error) {
          failure = error as Error;
          ctx.log(`stopped: ${failure.message}`);
        }
        const writes = await probe.stop();

        const migratedAt = Date.now();
        const all = stages.flatMap((s) => s.orders);
        const ids = new Set(all.map((o) => o.id));
        const eventsTimeoutMs = ctx.quick ? 30_000 : 90_000;
        const byOrder = await publishedEvents(
          cloud.aws,
          cloud.output('OrderEventsStreamName'),
          ids,
          2,
          eventsTimeoutMs,
        );
        ctx.log(`events read back in ${Date.now() - migratedAt} ms`);
        const quarantine = new QuarantineLog(cloud.clients().sqs, cloud.output('OrderViewFailureQueueUrl'));
        const checks = await checkView(
          doc,
          cloud.output('OrderViewTableName'),
          quarantine,
          all,
          ctx.quick ? 45_000 : 180_000,
        );
        ctx.log(`view settled ${Date.now() - migratedAt} ms after the last migration`);
        return drillReport(ctx.quick, {
          logicalOrders,
          preloaded,
          stages: stages.map((s) => ({ ...s, events: eventsOfStage(s.orders, byOrder) })),
          migrated,
          planned: migrations.length,
          writes,
          checks,
          failure: failure?.message,
          obstacle: { migration: OBSTRUCTED, heldMs: obstacleMs },
          connectorNotes: connectorNotes(cloud.debeziumOrders?.logFile),
        });
      } finally {
        await db.end().catch(() => {});
        await app.close().catch(() => {});
        await consumer.close().catch(() => {});
      }
    },
  );
}

/** The `orders` connector's warnings and errors (what it said about the schema changes), each with its count. */
function connectorNotes(logFile: string | undefined): string[] {
  if (logFile === undefined || !existsSync(logFile)) return [];
  const counts = new Map<string, number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; message?: string };
      if (entry.level !== 'WARN' && entry.level !== 'ERROR') continue;
      const note = `${entry.level} ${String(entry.message).slice(0, 300)}`;
      counts.set(note, (counts.get(note) ?? 0) + 1);
    } catch {}
  }
  return [...counts].map(([note, count]) => `${count} × ${note}`);
}

function preloadRequest(i: number): PlaceOrder {
  return {
    customerId: 'drill-preload',
    currency: 'EUR',
    items: [{ sku: `PRE-${i}`, quantity: 1, unitPriceCents: 1000 + i }],
  };
}

/** Logical order i: the same request in every stage, so its events must come out the same. */
export function logicalOrderRequest(i: number): PlaceOrder {
  return {
    customerId: `drill-logical-${i}`,
    currency: 'EUR',
    items: Array.from({ length: 1 + (i % 3) }, (_, line) => ({
      sku: `SKU-${i}-${line}`,
      quantity: 1 + ((i + line) % 4),
      unitPriceCents: 250 * (i + 1) + line,
    })),
  };
}

async function placeLogicalOrders(writer: OrderWriter, count: number): Promise<WrittenOrder[]> {
  const orders: WrittenOrder[] = [];
  for (let i = 0; i < count; i++) {
    const placed = await writer.place(logicalOrderRequest(i));
    orders.push(await writer.confirm(placed.id, `charge-logical-${i}`));
  }
  return orders;
}

/** The stage's events by logical order (its index in the stage) and type. */
function eventsOfStage(
  orders: readonly WrittenOrder[],
  byOrder: ReadonlyMap<string, PublishedEvent[]>,
): Map<number, EventsByType> {
  return new Map(
    orders.map((order, i) => [i, new Map((byOrder.get(order.id) ?? []).map((e) => [e.eventType, e]))]),
  );
}

/** Turns off the event-source mapping(s) of the function whose entry is `entry`. */
function disableMappingOf(entry: string) {
  return (template: CfnTemplate): void => {
    const resources = template.Resources ?? {};
    for (const id of mappingIdsOf(template, functionIdByEntry(template, entry))) {
      const mapping = resources[id];
      if (mapping) mapping.Properties = { ...mapping.Properties, Enabled: false };
    }
  };
}
