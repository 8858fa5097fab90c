import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { chargeOrder } from '../../lambdas/consumers/payment/charge-client.ts';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { orderEventMessageSchema } from '../../lambdas/shared/order-event-message.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { localAppTemplate } from '../../localstack/cloud/local-template.ts';
import { apiClient, oneItemOrder } from '../kit/api-client.ts';
import type { RunContext } from '../kit/context.ts';
import { scheduleOf, waitFor, withDrillCloud } from '../kit/drill-cloud.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { round } from '../kit/stats.ts';

/**
 * Drill: a lost payment confirmation. The payment consumer's work is done by hand, exactly as the consumer does
 * it — receive the OrderPlaced message, charge the gateway with the order id as idempotency key — and then the
 * message is deleted without recording the result: the charge exists, the order stays `pending`, and no
 * redelivery will ever come. The reconciler (scheduled) must find each such order past its deadline, read the
 * charge from the gateway by idempotency key, settle the order through the guarded transition, and emit the
 * missing event through the outbox; the customer's list (what the UI polls) must converge.
 */

const DECLINED_CENTS = 666;
const RECONCILE_ENTRY = 'lambdas/reconcile/handler.ts';

interface Lost {
  orderId: string;
  amountCents: number;
  expected: 'confirmed' | 'payment_failed';
  placedAt: number;
  lostAt?: number;
}

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const orders = ctx.quick ? 3 : 12;
  const deadlineSeconds = ctx.quick ? 3 : 10;
  const intervalMs = 1000;
  const ruleId = scheduleOf(localAppTemplate(), RECONCILE_ENTRY);
  return withDrillCloud(
    'reconcile',
    ctx,
    () => ({
      // A short deadline and a fast schedule locally (AWS: config.reconcileDeadline, rate(1 minute)).
      localEnv: { RECONCILE_DEADLINE_SECONDS: String(deadlineSeconds) },
      scheduleOverrides: { [ruleId]: intervalMs },
    }),
    ({ cloud }) => drill(ctx, cloud, { orders, deadlineSeconds, intervalMs }),
  );
}

async function drill(
  ctx: RunContext,
  cloud: LocalCloud,
  settings: { orders: number; deadlineSeconds: number; intervalMs: number },
): Promise<{ report: Report; readable: ReadableReport }> {
  const api = apiClient(cloud.endpoints.api, 'c-reconcile');
  const db = new pg.Client({ connectionString: cloud.database.admin });
  const sqs = new SQSClient(awsClientConfig(cloud.aws));
  await db.connect();
  try {
    await fetch(`${cloud.paymentGateway.url}/_faults`, {
      method: 'POST',
      body: JSON.stringify({ declineAmountsCents: [DECLINED_CENTS] }),
    });
    // A normal order first: warms every function and proves the healthy path settles without the reconciler.
    const { order: warm } = await api.place(oneItemOrder('DRILL-1', 1000));
    const warmSettled = await waitFor(async () => {
      const o = await api.get(warm.id);
      return o.status === 'pending' ? undefined : o;
    }, 60_000);
    ctx.log(`warm-up order ${warmSettled ? warmSettled.status : 'NOT settled'} through the consumer`);

    // Lose the confirmations: consumers paused, so the OrderPlaced messages wait in the payment queue for us.
    await cloud.setQueueConsumersEnabled(false);
    const lost: Lost[] = [];
    for (let i = 0; i < settings.orders; i++) {
      const amountCents = i === 1 ? DECLINED_CENTS : 1200 + i;
      const { order } = await api.place(oneItemOrder('DRILL-1', amountCents));
      lost.push({
        orderId: order.id,
        amountCents,
        expected: amountCents === DECLINED_CENTS ? 'payment_failed' : 'confirmed',
        placedAt: new Date(order.createdAt).getTime(),
      });
    }
    const queueUrl = cloud.provisioned.outputs.PaymentQueueUrl!;
    const wanted = new Map(lost.map((l) => [l.orderId, l]));
    const deadline = Date.now() + 60_000;
    while ([...wanted.values()].some((l) => l.lostAt === undefined) && Date.now() < deadline) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of out.Messages ?? []) {
        const event = orderEventMessageSchema.parse(JSON.parse(message.Body ?? '{}'));
        const target = wanted.get(event.aggregateId);
        if (target && event.eventType === 'OrderPlaced') {
          // The consumer's charge, the consumer's way; then the result is dropped and the message acknowledged.
          await chargeOrder(cloud.paymentGateway.url, {
            orderId: target.orderId,
            amountCents: target.amountCents,
            currency: 'USD',
          });
          target.lostAt = Date.now();
        }
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    await cloud.setQueueConsumersEnabled(true);
    const stillPendingAfterLoss = (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE id = ANY($1) AND status = 'pending'`,
        [lost.map((l) => l.orderId)],
      )
    ).rows[0]!.n;
    ctx.log(
      `${lost.filter((l) => l.lostAt).length}/${lost.length} charged with the result dropped; ${stillPendingAfterLoss} pending`,
    );

    // The reconciler's turn: wait for every order to settle (bounded well past deadline + schedule).
    const budgetMs = (settings.deadlineSeconds + 30) * 1000;
    const settled = await waitFor(
      async () => {
        const { rows } = await db.query<{ id: string; status: string; created_at: Date; updated_at: Date }>(
          'SELECT id, status, created_at, updated_at FROM orders WHERE id = ANY($1)',
          [lost.map((l) => l.orderId)],
        );
        return rows.every((r) => r.status !== 'pending') ? rows : undefined;
      },
      budgetMs,
      200,
    );
    const rows =
      settled ??
      (
        await db.query<{ id: string; status: string; created_at: Date; updated_at: Date }>(
          'SELECT id, status, created_at, updated_at FROM orders WHERE id = ANY($1)',
          [lost.map((l) => l.orderId)],
        )
      ).rows;

    const events = (
      await db.query<{ aggregate_id: string; event_type: string; payload: Record<string, unknown> }>(
        `SELECT aggregate_id, event_type, payload FROM outbox WHERE aggregate_id = ANY($1) AND event_type <> 'OrderPlaced'`,
        [lost.map((l) => l.orderId)],
      )
    ).rows;
    const charges = cloud.paymentGateway.log().filter((e) => e.result === 'created');
    // What the UI polls: the customer's list (order view) must show the settled state too.
    const converged = await waitFor(
      async () => {
        const list = await api.list();
        const byId = new Map(list.orders.map((o) => [o.id, o.status]));
        return lost.every((l) => byId.get(l.orderId) === l.expected) ? list.orders : undefined;
      },
      20_000,
      250,
    );

    const perOrder = lost.map((l) => {
      const row = rows.find((r) => r.id === l.orderId);
      const resolveSeconds =
        row && row.status !== 'pending' ? (row.updated_at.getTime() - row.created_at.getTime()) / 1000 : null;
      const settleEvents = events.filter((e) => e.aggregate_id === l.orderId);
      return {
        orderId: l.orderId,
        expected: l.expected,
        status: row?.status ?? 'missing',
        resolveSeconds,
        settleEvents: settleEvents.map((e) => e.event_type),
        resolvedBy: settleEvents.map((e) => e.payload.resolvedBy ?? 'consumer'),
        charges: charges.filter((c) => c.idempotencyKey === l.orderId).length,
      };
    });
    const resolved = perOrder.filter(
      (o) => o.status === o.expected && o.resolvedBy.includes('reconcile'),
    ).length;
    const maxResolveSeconds = round(
      Math.max(0, ...perOrder.map((o) => o.resolveSeconds ?? Number.POSITIVE_INFINITY)),
      2,
    );
    // The promise: settled within the deadline plus one schedule interval, plus slack for this loaded machine.
    const boundSeconds = settings.deadlineSeconds + settings.intervalMs / 1000 + 5;
    const oneEventEach = perOrder.every((o) => o.settleEvents.length === 1);
    const oneChargeEach = perOrder.every((o) => o.charges === 1);
    const passed =
      Boolean(warmSettled) &&
      stillPendingAfterLoss === lost.length &&
      resolved === lost.length &&
      oneEventEach &&
      oneChargeEach &&
      converged !== undefined &&
      maxResolveSeconds <= boundSeconds;

    const report: Report = {
      drill: 'reconcile',
      passed,
      metrics: {
        stuck: stillPendingAfterLoss,
        resolved,
        maxResolveSeconds,
        deadlineSeconds: settings.deadlineSeconds,
        boundSeconds,
        oneSettleEventEach: oneEventEach,
        oneChargeEach,
        listConverged: converged !== undefined,
      },
      evidence: { quick: ctx.quick, scheduleIntervalMs: settings.intervalMs, orders: perOrder },
    };
    return { report, readable: readable(report, perOrder, settings) };
  } finally {
    await db.end().catch(() => {});
    sqs.destroy();
  }
}

function readable(
  report: Report,
  perOrder: Array<{
    orderId: string;
    expected: string;
    status: string;
    resolveSeconds: number | null;
    settleEvents: string[];
    resolvedBy: unknown[];
    charges: number;
  }>,
  settings: { orders: number; deadlineSeconds: number; intervalMs: number },
): ReadableReport {
  const m = report.metrics;
  const rows = perOrder.map(
    (o) =>
      `| \`${o.orderId}\` | ${o.expected} | ${o.status} | ${o.resolveSeconds ?? '—'} | ${o.settleEvents.join(', ') || '—'} | ${o.resolvedBy.join(', ') || '—'} | ${o.charges} |`,
  );
  return {
    title: 'Drill: reconcile — a lost payment confirmation converges',
    summary: [
      `**How the confirmation is lost.** With the queue consumers paused, ${settings.orders} orders were placed through the API (one at the stand-in gateway's decline amount). For each, the drill did the payment consumer's work itself, with the consumer's own code: it received the \`OrderPlaced\` message from the payment FIFO queue and charged the gateway (\`chargeOrder\`, idempotency key = order id) — and then deleted the message without recording the result. That is a consumer whose result vanished after the side effect: the gateway holds the charge, the order stays \`pending\`, and no redelivery will ever come. Consumers were then resumed: **${m.stuck}** orders were still pending (stuck).`,
      `**How it converges.** The reconciler Lambda ran on its schedule (template \`rate(1 minute)\`, here every ${settings.intervalMs} ms via \`scheduleOverrides\`, deadline ${settings.deadlineSeconds} s instead of the AWS default of 2 min). Each run selects orders pending past the deadline, looks the charge up at the gateway by idempotency key (\`GET /charges?idempotencyKey=\`), and settles the order with the same guarded transition the consumer uses, writing \`OrderConfirmed\`/\`OrderPaymentFailed\` to the outbox in the same statement (payload \`resolvedBy: reconcile\`). It never charges and never invents an outcome: no charge → the order is left and counted.`,
      `**Result:** ${m.resolved}/${m.stuck} resolved, the slowest **${m.maxResolveSeconds} s** after it was placed (bound: deadline + one interval + 5 s slack = ${m.boundSeconds} s); one settle event and one charge per order: ${m.oneSettleEventEach} / ${m.oneChargeEach}; the customer's list (the order view the UI polls) showed every final state: ${m.listConverged}.`,
    ].join('\n\n'),
    sections: [
      {
        heading: 'Per order',
        body: [
          '| order | expected | final | placed → settled (s) | settle events | by | charges |',
          '|---|---|---|---|---|---|---|',
          ...rows,
        ].join('\n'),
      },
    ],
  };
}
