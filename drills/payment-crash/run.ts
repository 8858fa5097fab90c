import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import { type AwsAccess, awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { markerName } from '../../lambdas/shared/crash-points.ts';
import { apiClient, oneItemOrder, undefinedOnHttpError } from '../kit/api-client.ts';
import type { RunContext } from '../kit/context.ts';
import { functionLogLines, waitFor, withDrillCloud } from '../kit/drill-cloud.ts';
import { fastConsumers } from '../kit/fast-consumers.ts';
import type { ReadableReport, Report } from '../kit/report.ts';

/**
 * Drill: crash the payment consumer after the gateway charged and before the message was acknowledged, once per
 * order (crash point `payment:after-charge-before-ack`, SIGKILL). The redelivery must charge again with the same
 * idempotency key (the order id) and the gateway must answer it as a replay: one charge per order, every order
 * confirmed once.
 */

const POINT = 'payment:after-charge-before-ack' as const;
const PAYMENT_ENTRY = 'lambdas/consumers/payment/handler.ts';
/** Consumer timeout / queue visibility during the drill (30 s / 180 s deployed): see fast-consumers.ts. */
const TIMEOUT_S = 4;
const VISIBILITY_S = 9;

interface OrderRun {
  orderId: string;
  placedAt: number;
  crashedAt?: number;
  settledAt?: number;
  status?: string;
  version?: number;
}

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const count = ctx.quick ? 2 : 20;
  return withDrillCloud(
    'payment-crash',
    ctx,
    (dir) => ({
      localEnv: { HOLDLINE_CRASH_POINTS: POINT, HOLDLINE_CRASH_STATE_DIR: join(dir, 'crash-markers') },
      adjustTemplate: fastConsumers(TIMEOUT_S, VISIBILITY_S),
    }),
    async ({ cloud, dir }) => {
      const markers = join(dir, 'crash-markers');
      const runs: OrderRun[] = [];
      const api = apiClient(cloud.endpoints.api, 'drill-payment-crash');
      const bar = ctx.progress('payment-crash orders', count);
      // One order at a time: a crash kills the whole batch, so orders sharing a batch would each be received
      // once per crash of their neighbours, and could exhaust maxReceiveCount (5) into the DLQ.
      for (let i = 0; i < count; i++) {
        const orderId = (await api.place(oneItemOrder(`SKU-${i}`, 1000 + i))).order.id;
        const run: OrderRun = { orderId, placedAt: Date.now() };
        runs.push(run);
        const settled = await waitFor(async () => {
          const order = await api.get(orderId).catch(undefinedOnHttpError);
          return order && order.status !== 'pending' ? order : undefined;
        }, 60_000);
        run.settledAt = Date.now();
        run.status = settled?.status ?? 'pending';
        run.version = settled?.version;
        bar.tick();
      }
      bar.done();

      // Markers were written just before each SIGKILL: their mtime is the crash time.
      const fired = new Map(
        readdirSync(markers, { withFileTypes: true }).map((f) => [
          f.name,
          statSync(join(markers, f.name)).mtimeMs,
        ]),
      );
      const db = new pg.Client({ connectionString: cloud.database.admin });
      await db.connect();
      let placedEvents: Map<string, string>;
      let confirmedEvents: Map<string, number>;
      try {
        const ids = runs.map((r) => r.orderId);
        const placed = await db.query<{ aggregate_id: string; event_id: string }>(
          `SELECT aggregate_id, event_id::text FROM outbox WHERE event_type = 'OrderPlaced' AND aggregate_id = ANY($1)`,
          [ids],
        );
        placedEvents = new Map(placed.rows.map((r) => [r.aggregate_id, r.event_id]));
        const confirmed = await db.query<{ aggregate_id: string; n: string }>(
          `SELECT aggregate_id, count(*) AS n FROM outbox
           WHERE event_type IN ('OrderConfirmed', 'OrderPaymentFailed') AND aggregate_id = ANY($1) GROUP BY 1`,
          [ids],
        );
        confirmedEvents = new Map(confirmed.rows.map((r) => [r.aggregate_id, Number(r.n)]));
      } finally {
        await db.end();
      }
      for (const run of runs) {
        const eventId = placedEvents.get(run.orderId);
        run.crashedAt = eventId ? fired.get(markerName(POINT, eventId)) : undefined;
      }

      const gatewayLog = cloud.paymentGateway.log();
      const perOrder = runs.map((r) => {
        const requests = gatewayLog.filter((e) => e.idempotencyKey === r.orderId);
        return {
          orderId: r.orderId,
          status: r.status,
          version: r.version,
          crashed: r.crashedAt !== undefined,
          created: requests.filter((e) => e.result === 'created').length,
          replayed: requests.filter((e) => e.result === 'replayed').length,
          failed: requests.filter((e) => e.result === 'failed' || e.result === 'rejected').length,
          resultEvents: confirmedEvents.get(r.orderId) ?? 0,
          crashToSettledMs:
            r.crashedAt !== undefined && r.settledAt !== undefined
              ? Math.round(r.settledAt - r.crashedAt)
              : null,
        };
      });
      const paymentId = functionIdByEntry(cloud.template, PAYMENT_ENTRY);
      const stats = cloud.runtime.stats().functions[paymentId];
      const logText = readFileSync(join(cloud.endpoints.logs, `lambda-${paymentId}.log`), 'utf8');
      const consumerLines = functionLogLines(logText, ['event applied', 'duplicate absorbed']);
      const inProgressRejections = (logText.match(/IdempotencyAlreadyInProgressError/g) ?? []).length;
      const dlqDepth = await queueDepth(cloud.aws, cloud.output('PaymentDlqUrl'));

      const charges = perOrder.reduce((n, o) => n + o.created, 0);
      const doubleCharges = perOrder.filter((o) => o.created > 1).length;
      const missingCharges = perOrder.filter((o) => o.created === 0).length;
      const crashes = perOrder.filter((o) => o.crashed).length;
      const replays = perOrder.reduce((n, o) => n + o.replayed, 0);
      const notConfirmed = perOrder.filter((o) => o.status !== 'confirmed').length;
      const metrics = {
        orders: count,
        crashes,
        runtimeCrashes: stats?.crashes ?? 0,
        charges,
        doubleCharges,
        missingCharges,
        gatewayReplays: replays,
        ordersWithoutReplay: perOrder.filter((o) => o.crashed && o.replayed === 0).length,
        notConfirmed,
        duplicateResultEvents: perOrder.filter((o) => o.resultEvents !== 1).length,
        inProgressRejections,
        dlqDepth,
        p50CrashToSettledMs: median(
          perOrder.flatMap((o) => (o.crashToSettledMs === null ? [] : [o.crashToSettledMs])),
        ),
      };
      const passed =
        crashes === count &&
        metrics.runtimeCrashes >= count &&
        charges === count &&
        doubleCharges === 0 &&
        missingCharges === 0 &&
        metrics.ordersWithoutReplay === 0 &&
        notConfirmed === 0 &&
        metrics.duplicateResultEvents === 0 &&
        dlqDepth === 0;
      const report: Report = {
        drill: 'payment-crash',
        passed,
        metrics,
        evidence: {
          quick: ctx.quick,
          crashPoint: POINT,
          compression: { consumerTimeoutSeconds: TIMEOUT_S, visibilityTimeoutSeconds: VISIBILITY_S },
          perOrder,
          paymentFunction: stats,
          consumerLog: consumerLines.map((l) => ({
            message: l.message,
            eventId: l.eventId,
            orderId: l.orderId,
            outcome: l.outcome,
          })),
          gatewayLog: gatewayLog.slice(0, 200),
        },
      };
      return { report, readable: readable(report, perOrder) };
    },
  );
}

async function queueDepth(access: AwsAccess, queueUrl: string): Promise<number> {
  const sqs = new SQSClient(awsClientConfig(access));
  try {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  } finally {
    sqs.destroy();
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

function readable(
  report: Report,
  perOrder: Array<{ orderId: string; created: number; replayed: number; status?: string | undefined }>,
): ReadableReport {
  const m = report.metrics;
  const bars = perOrder.flatMap((o, i) => [
    { order: i + 1, result: 'created (a charge)', requests: o.created },
    { order: i + 1, result: 'replayed (same key)', requests: o.replayed },
  ]);
  return {
    title: 'Drill: payment consumer crashes after the charge, before the acknowledgement',
    summary: [
      `A whole local cloud on free ports with the crash point \`${POINT}\` armed (\`HOLDLINE_CRASH_POINTS\`, honoured only because the local runtime sets \`HOLDLINE_LOCAL_RUNTIME=1\`). ${m.orders} orders were placed through the API one after another. For each, the payment consumer charged the gateway stand-in and its process then killed itself with SIGKILL — before moving the order, before Powertools marked the event COMPLETED, before SQS was told anything. The runtime saw **${m.runtimeCrashes} crashes** (Runtime.ExitError); crash markers show ${m.crashes}/${m.orders} orders crashed exactly at the point.`,
      `What saved it: the message was never deleted, so SQS made it visible again after the visibility timeout; the idempotency record was still INPROGRESS, but it had been written with the invocation's remaining time as its in-progress expiry, so it had expired and the redelivery ran the step again; the order was still \`pending\`, so it charged again — with the same \`Idempotency-Key\` (the order id), which the gateway answered from the first charge. Result: **${m.charges} charges for ${m.orders} orders, doubleCharges ${m.doubleCharges}, missingCharges ${m.missingCharges}**, ${m.gatewayReplays} requests answered as replays, every order confirmed once (${m.duplicateResultEvents} orders with other than one result event in the outbox), DLQ depth ${m.dlqDepth}.`,
      `Time compression: consumer timeout ${TIMEOUT_S} s and queue visibility ${VISIBILITY_S} s instead of 30 s / 180 s (the same rule holds: visibility > timeout + cold start, so the in-progress record has expired when the message returns). Median crash → settled: ${m.p50CrashToSettledMs} ms. ${m.inProgressRejections} redeliveries met an unexpired in-progress record (they fail and are retried; 0 means the visibility margin was enough).`,
    ].join('\n\n'),
    charts: [
      {
        name: 'requests',
        caption: 'Gateway requests per order: one charge each, the retries answered as replays',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 480,
          height: 200,
          data: { values: bars },
          mark: 'bar',
          encoding: {
            x: { field: 'order', type: 'ordinal', title: 'order (placement order)' },
            y: { field: 'requests', type: 'quantitative', title: 'gateway requests', stack: true },
            color: { field: 'result', type: 'nominal', title: 'gateway answer' },
          },
        },
      },
    ],
    sections: [
      {
        heading: 'Per order',
        body: [
          '| # | order | status | charges | replays |',
          '|---|---|---|---|---|',
          ...perOrder.map(
            (o, i) => `| ${i + 1} | \`${o.orderId}\` | ${o.status} | ${o.created} | ${o.replayed} |`,
          ),
        ].join('\n'),
      },
    ],
  };
}
