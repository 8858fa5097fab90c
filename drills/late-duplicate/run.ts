import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import { idempotencyKeyPrefix } from '../../lambdas/consumers/dedupe.ts';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import type { OrderEventMessage } from '../../lambdas/shared/order-event-message.ts';
import { apiClient, oneItemOrder, undefinedOnHttpError } from '../kit/api-client.ts';
import type { RunContext } from '../kit/context.ts';
import { functionLogLines, waitFor, withDrillCloud } from '../kit/drill-cloud.ts';
import type { ReadableReport, Report } from '../kit/report.ts';

/**
 * Drill: a duplicate that arrives after the idempotency window. With a tiny window (IDEMPOTENCY_EXPIRES_AFTER_SECONDS
 * = WINDOW_S), every order is paid; then each OrderPlaced event is delivered to the payment queue again (with a fresh
 * MessageDeduplicationId, so SQS FIFO's own 5-minute dedup cannot absorb it) twice: once inside the window — the
 * idempotency record must answer it — and once after the window — the record is expired, the step runs again, and
 * the order state machine (a confirmed order never moves) must stop it: no gateway request, no transition.
 */

/** Long enough for the in-window duplicate to arrive inside it (~1-2 s after the payment), short for the drill. */
const WINDOW_S = 10;
const PAYMENT_ENTRY = 'lambdas/consumers/payment/handler.ts';

interface OutboxRow {
  event_id: string;
  aggregate_id: string;
  sequence: number;
  event_type: string;
  payload: Record<string, unknown>;
  trace_context: string | null;
  occurred_at: Date;
}

type Item = Record<string, unknown>;

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const count = ctx.quick ? 3 : 12;
  return withDrillCloud(
    'late-duplicate',
    ctx,
    () => ({ localEnv: { IDEMPOTENCY_EXPIRES_AFTER_SECONDS: String(WINDOW_S) } }),
    async ({ cloud }) => {
      const sqs = new SQSClient(awsClientConfig(cloud.aws));
      const doc = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(cloud.aws)));
      const db = new pg.Client({ connectionString: cloud.database.admin });
      await db.connect();
      try {
        const api = apiClient(cloud.endpoints.api, 'drill-late-duplicate');
        const queueUrl = cloud.output('PaymentQueueUrl');
        const table = cloud.output('IdempotencyTableName');
        const paymentId = functionIdByEntry(cloud.template, PAYMENT_ENTRY);
        const logFile = join(cloud.endpoints.logs, `lambda-${paymentId}.log`);

        // 1. Pay every order once.
        const ids: string[] = [];
        for (let i = 0; i < count; i++)
          ids.push((await api.place(oneItemOrder(`SKU-${i}`, 1000 + i))).order.id);
        const settled = await waitFor(async () => {
          const orders = await Promise.all(ids.map((id) => api.get(id).catch(undefinedOnHttpError)));
          return orders.every((o) => o?.status === 'confirmed') ? orders : undefined;
        }, 90_000);
        if (!settled) throw new Error('not every order was confirmed within 90 s');
        const events = await placedEvents(db, ids);
        const appliedAt = Date.now();
        const records = await idempotencyRecords(doc, table);
        const paymentRecords = records.filter((r) =>
          String(r.id).startsWith(`${idempotencyKeyPrefix('payment')}#`),
        );
        ctx.log(`${count} orders confirmed; ${paymentRecords.length} payment idempotency records`);

        // 2. In the window: the record answers.
        const inWindowSentAt = Date.now();
        for (const e of events) await redeliver(sqs, queueUrl, e, 'in-window');
        const absorbed = await waitFor(() => {
          const lines = consumerLines(logFile, events, 'duplicate absorbed');
          return lines.length >= count ? lines : undefined;
        }, 30_000);
        const inWindowElapsedS = (Date.now() - appliedAt) / 1000;

        // 3. After the window: the record has expired; the state machine must stop the duplicate.
        const wait = Math.max(0, appliedAt + (WINDOW_S + 2) * 1000 - Date.now());
        await sleep(wait);
        const recordsAfterWindow = (await idempotencyRecords(doc, table)).filter((r) =>
          String(r.id).startsWith(`${idempotencyKeyPrefix('payment')}#`),
        );
        const expiredAt = Date.now();
        const gatewayBefore = cloud.paymentGateway.log().length;
        for (const e of events) await redeliver(sqs, queueUrl, e, 'late');
        const reran = await waitFor(() => {
          const lines = consumerLines(logFile, events, 'event applied').filter(
            (l) => l.outcome !== 'confirmed',
          );
          return lines.length >= count ? lines : undefined;
        }, 30_000);
        await sleep(1000);

        const gatewayLog = cloud.paymentGateway.log();
        const gatewayAfterWindow = gatewayLog.slice(gatewayBefore);
        const after = await Promise.all(ids.map((id) => api.get(id).catch(undefinedOnHttpError)));
        const resultEvents = await db.query<{ aggregate_id: string; n: string }>(
          `SELECT aggregate_id, count(*) AS n FROM outbox
           WHERE event_type IN ('OrderConfirmed', 'OrderPaymentFailed') AND aggregate_id = ANY($1) GROUP BY 1`,
          [ids],
        );
        const resultCount = new Map(resultEvents.rows.map((r) => [r.aggregate_id, Number(r.n)]));
        const perOrder = ids.map((id, i) => {
          const charges = gatewayLog.filter((e) => e.idempotencyKey === id && e.result === 'created').length;
          return {
            orderId: id,
            status: after[i]?.status,
            version: after[i]?.version,
            charges,
            gatewayRequestsAfterWindow: gatewayAfterWindow.filter((e) => e.idempotencyKey === id).length,
            resultEvents: resultCount.get(id) ?? 0,
            lateOutcome: reran?.find((l) => l.orderId === id)?.outcome ?? null,
          };
        });
        const reapplied = perOrder.filter(
          (o) =>
            o.charges !== 1 || o.gatewayRequestsAfterWindow > 0 || o.resultEvents !== 1 || o.version !== 2,
        ).length;
        const caughtByGuard = perOrder.filter((o) => o.lateOutcome === 'already-settled').length;
        const expiredRecords = recordsAfterWindow.filter(
          (r) => Number(r.expiration) * 1000 <= expiredAt,
        ).length;
        const metrics = {
          orders: count,
          windowSeconds: WINDOW_S,
          duplicatesInWindow: count,
          absorbedInWindow: absorbed?.length ?? 0,
          duplicatesAfterWindow: count,
          reapplied,
          caughtByGuard,
          gatewayRequestsAfterWindow: gatewayAfterWindow.length,
          paymentRecordsWithTtl: paymentRecords.filter((r) => typeof r.expiration === 'number').length,
          recordsLeftAfterWindow: recordsAfterWindow.length,
          expiredRecordsStillStored: expiredRecords,
        };
        const passed =
          metrics.absorbedInWindow === count &&
          reapplied === 0 &&
          caughtByGuard === count &&
          metrics.gatewayRequestsAfterWindow === 0 &&
          metrics.paymentRecordsWithTtl >= count;
        const report: Report = {
          drill: 'late-duplicate',
          passed,
          metrics,
          evidence: {
            quick: ctx.quick,
            inWindowSentAfterMs: inWindowSentAt - appliedAt,
            inWindowAnsweredWithinS: Math.round(inWindowElapsedS * 10) / 10,
            perOrder,
            idempotencyRecords: paymentRecords.map((r) => ({
              id: r.id,
              status: r.status,
              expiration: r.expiration,
            })),
            absorbedLines: absorbed ?? [],
            lateLines: reran ?? [],
          },
        };
        return { report, readable: readable(report, perOrder) };
      } finally {
        await db.end().catch(() => {});
        sqs.destroy();
        doc.destroy();
      }
    },
  );
}

async function placedEvents(db: pg.Client, ids: string[]): Promise<OrderEventMessage[]> {
  const { rows } = await db.query<OutboxRow>(
    `SELECT event_id::text, aggregate_id, sequence, event_type, payload, trace_context, occurred_at
     FROM outbox WHERE event_type = 'OrderPlaced' AND aggregate_id = ANY($1)`,
    [ids],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    eventType: r.event_type,
    aggregateType: 'order',
    aggregateId: r.aggregate_id,
    sequence: Number(r.sequence),
    occurredAt: r.occurred_at.toISOString(),
    traceContext: r.trace_context,
    payload: r.payload,
  }));
}

/** The same event again, as the router would send it, but with a dedup id SQS has not seen. */
async function redeliver(
  sqs: SQSClient,
  queueUrl: string,
  event: OrderEventMessage,
  tag: string,
): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(event),
      MessageGroupId: event.aggregateId,
      MessageDeduplicationId: `${tag}-${event.eventId}`,
    }),
  );
}

function consumerLines(logFile: string, events: OrderEventMessage[], message: string) {
  const ids = new Set(events.map((e) => e.eventId));
  return functionLogLines(readFileSync(logFile, 'utf8'), [message])
    .filter((l) => ids.has(String(l.eventId)))
    .map((l) => ({ eventId: String(l.eventId), orderId: String(l.orderId), outcome: String(l.outcome) }));
}

async function idempotencyRecords(doc: DynamoDBDocumentClient, table: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: ScanCommandOutput = await doc.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

function readable(
  report: Report,
  perOrder: Array<{
    orderId: string;
    charges: number;
    gatewayRequestsAfterWindow: number;
    lateOutcome: string | null;
  }>,
): ReadableReport {
  const m = report.metrics;
  return {
    title: 'Drill: a duplicate after the idempotency window is caught by the order state machine',
    summary: [
      `A whole local cloud with the consumers' idempotency window cut to **${WINDOW_S} s** (\`IDEMPOTENCY_EXPIRES_AFTER_SECONDS\`; 24 h deployed). ${m.orders} orders were placed and paid. Each OrderPlaced event was then sent to the payment queue again with a fresh MessageDeduplicationId (so SQS FIFO's 5-minute dedup window could not absorb it), twice.`,
      `Inside the window the idempotency record answered: **${m.absorbedInWindow}/${m.duplicatesInWindow}** duplicates absorbed without running the step. After the window (Powertools compares the record's \`expiration\` itself; ${m.expiredRecordsStillStored} expired records were still stored at that moment, ${m.recordsLeftAfterWindow} records left in all — DynamoDB Local's TTL deletes within seconds, AWS's within days, and neither matters), the step ran again: the order was already \`confirmed\`, so \`handlePayment\` returned \`already-settled\` — **caughtByGuard ${m.caughtByGuard}/${m.duplicatesAfterWindow}, reapplied ${m.reapplied}**, ${m.gatewayRequestsAfterWindow} gateway requests after the window, every order still at version 2 with one result event.`,
      'The guard is the order row itself: only a `pending` order is charged, and the transition is an UPDATE guarded by status and version. What the window buys is cost and speed (a duplicate inside it costs one GetItem-sized conditional write, not a database read), not correctness for payment; see docs/inbox-retention.md for the numbers and for the consumers without such a guard.',
    ].join('\n\n'),
    charts: [
      {
        name: 'outcomes',
        caption: 'Late duplicates per order: gateway requests caused and the consumer outcome',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 480,
          height: 200,
          data: {
            values: perOrder.map((o, i) => ({
              order: i + 1,
              outcome: o.lateOutcome ?? 'none',
              charges: o.charges,
              lateRequests: o.gatewayRequestsAfterWindow,
            })),
          },
          layer: [
            {
              mark: 'bar',
              encoding: {
                x: { field: 'order', type: 'ordinal', title: 'order' },
                y: { field: 'charges', type: 'quantitative', title: 'charges at the gateway (total)' },
                color: { field: 'outcome', type: 'nominal', title: 'late duplicate outcome' },
              },
            },
          ],
        },
      },
    ],
  };
}
