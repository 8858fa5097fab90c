import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import { type RetryBudget, retryWindowSeconds } from '../../lambdas/consumers/failure-policy.ts';
import { consumersFor, toSqsEntry } from '../../lambdas/router/routing.ts';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { CONSUMERS, type ConsumerName, queueOutputId } from '../../lambdas/shared/consumers.ts';
import type { OrderEventMessage } from '../../lambdas/shared/order-event-message.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { LogEntry } from '../../localstack/stand-ins/payment-gateway/server.ts';
import { type DlqMessage, peek, queueDepth } from '../../tools/dlq/dlq.ts';
import { type ApiClient, apiClient, oneItemOrder } from '../kit/api-client.ts';
import type { RunContext } from '../kit/context.ts';
import { startIsolatedCloud } from '../kit/drill-cloud.ts';

/**
 * The shared set-up of the `poison` and `dlq-replay` drills: a local cloud without Debezium (the drill relays each
 * order's outbox row to the consumer queues exactly as the router would — `consumersFor` + `toSqsEntry` — so the
 * timing under test is the consumers' alone), a payment gateway that answers HTTP 500 for one amount, and one
 * poison order of that amount among many orders, each its own message group.
 */

/** The poison amount: the gateway stand-in fails every charge of it (`failAmountsCents`). */
export const poisonAmountCents = 1313;

/**
 * Local speed-up, said in every report: the consumers back off 1, 2, 4, 4 s (base 1 s, cap 4 s) instead of the
 * stack's 2, 4, 8, 16 s, so a drill takes seconds. The message budget (MAX_ATTEMPTS) is the stack's own.
 */
export const drillBackoff = { RETRY_BACKOFF_BASE_SECONDS: '1', RETRY_BACKOFF_MAX_SECONDS: '4' };

export interface DrillCloud {
  cloud: LocalCloud;
  db: pg.Pool;
  sqs: SQSClient;
  url(consumer: ConsumerName, kind: 'Queue' | 'Dlq'): string;
  budget: RetryBudget;
  gatewayLog(): LogEntry[];
  stop(): Promise<void>;
}

export async function startDrillCloud(ctx: RunContext, name: string): Promise<DrillCloud> {
  const { cloud, stop: stopCloud } = await startIsolatedCloud(name, ctx, () => ({
    cdc: false,
    localEnv: drillBackoff,
  }));
  // A pool: the sampler and the order relay query at the same time.
  const db = new pg.Pool({ connectionString: cloud.database.admin, max: 4 });
  const sqs = new SQSClient(awsClientConfig(cloud.aws));
  const url = (consumer: ConsumerName, kind: 'Queue' | 'Dlq') => cloud.output(queueOutputId(consumer, kind));
  // The retry budget as provisioned: the payment function's own environment, from the template (the drill's
  // backoff override on top, said in the report).
  const environment = (
    cloud.template.Resources?.[functionIdByEntry(cloud.template, 'lambdas/consumers/payment/handler.ts')]
      ?.Properties as {
      Environment?: { Variables?: Record<string, unknown> };
    }
  )?.Environment?.Variables;
  const maxAttempts = Number(environment?.MAX_ATTEMPTS);
  if (!Number.isInteger(maxAttempts))
    throw new Error('the payment function has no MAX_ATTEMPTS in the template');
  return {
    cloud,
    db,
    sqs,
    url,
    budget: {
      maxAttempts,
      backoffBaseSeconds: Number(drillBackoff.RETRY_BACKOFF_BASE_SECONDS),
      backoffMaxSeconds: Number(drillBackoff.RETRY_BACKOFF_MAX_SECONDS),
      outageBudgetSeconds: Number(environment?.OUTAGE_BUDGET_SECONDS),
      outageBackoffMaxSeconds: Number(environment?.OUTAGE_BACKOFF_MAX_SECONDS),
    },
    gatewayLog: () => cloud.paymentGateway.log(),
    stop: async () => {
      await db.end().catch(() => {});
      sqs.destroy();
      await stopCloud();
    },
  };
}

export interface PlacedOrder {
  id: string;
  amountCents: number;
  /** When its OrderPlaced went to the queues (ms since epoch). */
  sentAt: number;
  /** When the drill first saw it confirmed (or, for the poison, its copy in the DLQ). */
  doneAt?: number;
  poison: boolean;
}

export interface Sample {
  t: number;
  /** Payment queue: visible + in flight. */
  backlog: number;
  dlq: number;
  /** Age of the oldest payment message not yet settled, from the drill's own send times (see poison.ts). */
  oldestAgeSeconds: number;
  confirmed: number;
}

export async function setPoisonFault(dc: DrillCloud, on: boolean): Promise<void> {
  await fetch(`${dc.cloud.paymentGateway.url}/_faults`, {
    method: 'POST',
    body: JSON.stringify({ failAmountsCents: on ? [poisonAmountCents] : [] }),
  });
}

/** Places an order through the API, then relays its outbox row to the consumer queues as the router would. */
async function placeAndRoute(dc: DrillCloud, api: ApiClient, amountCents: number): Promise<PlacedOrder> {
  const {
    order: { id },
  } = await api.place(oneItemOrder('DRILL-1', amountCents));
  const row = await dc.db.query(
    `SELECT event_id, event_type, aggregate_type, aggregate_id, sequence, payload, occurred_at, trace_context
       FROM outbox WHERE aggregate_id = $1 AND event_type = 'OrderPlaced'`,
    [id],
  );
  const r = row.rows[0];
  const event: OrderEventMessage = {
    eventId: r.event_id,
    eventType: r.event_type,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    sequence: Number(r.sequence),
    occurredAt: new Date(r.occurred_at).toISOString(),
    traceContext: r.trace_context,
    payload: r.payload,
  };
  const entry = toSqsEntry(event);
  for (const consumer of consumersFor(event))
    await dc.sqs.send(new SendMessageCommand({ QueueUrl: dc.url(consumer, 'Queue'), ...entry }));
  return { id, amountCents, sentAt: Date.now(), poison: amountCents === poisonAmountCents };
}

export interface PoisonResult {
  orders: PlacedOrder[];
  poison: PlacedOrder;
  samples: Sample[];
  /** The poison's copy in the payment DLQ, if it arrived. */
  quarantined: DlqMessage | undefined;
  /** Messages in each consumer's DLQ at the end. */
  dlqDepths: Record<string, number>;
  /** Payment queue visible + in flight at the end. */
  finalBacklog: number;
  retryWindowSeconds: number;
}

/**
 * Places `count` orders at `perSecond`, one of them (a third of the way in) the poison, samples the payment queue
 * every second, and waits until every other order is confirmed and the poison has left the queue (or `timeoutMs`).
 */
export async function runPoison(
  ctx: RunContext,
  dc: DrillCloud,
  count: number,
  perSecond: number,
  timeoutMs: number,
): Promise<PoisonResult> {
  const customerId = `drill-${Date.now()}`;
  await setPoisonFault(dc, true);
  // One order first, outside the figures: it pays the consumers' cold starts (seconds on a loaded machine).
  const warmup = await placeAndRoute(dc, apiClient(dc.cloud.endpoints.api, `${customerId}-warmup`), 200);
  const warmupDeadline = Date.now() + 60_000;
  while (Date.now() < warmupDeadline) {
    const row = await dc.db.query(`SELECT status FROM orders WHERE id = $1`, [warmup.id]);
    if (row.rows[0]?.status !== 'pending') break;
    await sleep(200);
  }
  ctx.log(`warm-up order settled after ${Date.now() - warmup.sentAt} ms (cold start, not in the figures)`);
  const api = apiClient(dc.cloud.endpoints.api, customerId);
  const orders: PlacedOrder[] = [];
  const samples: Sample[] = [];
  const started = Date.now();

  const statusPoll = async () => {
    const rows = await dc.db.query(`SELECT id, status FROM orders WHERE customer_id = $1`, [customerId]);
    const now = Date.now();
    for (const row of rows.rows as Array<{ id: string; status: string }>) {
      const order = orders.find((o) => o.id === row.id);
      if (order && !order.poison && order.doneAt === undefined && row.status !== 'pending')
        order.doneAt = now;
    }
  };
  const sample = async () => {
    // Orders still unsettled as of the previous sample: a message counts as waiting until the sample that first
    // sees it gone, so the age is an upper bound (by at most one sampling interval).
    const open = orders.filter((o) => o.doneAt === undefined);
    await statusPoll();
    const q = await queueDepth(dc.sqs, dc.url('payment', 'Queue'));
    const d = await queueDepth(dc.sqs, dc.url('payment', 'Dlq'));
    const now = Date.now();
    const poison = orders.find((o) => o.poison);
    if (poison && poison.doneAt === undefined && d.visible + d.inFlight > 0) poison.doneAt = now;
    samples.push({
      t: Math.round((now - started) / 100) / 10,
      backlog: q.visible + q.inFlight,
      dlq: d.visible + d.inFlight,
      oldestAgeSeconds: open.length
        ? Math.round((now - Math.min(...open.map((o) => o.sentAt))) / 100) / 10
        : 0,
      confirmed: orders.filter((o) => !o.poison && o.doneAt !== undefined).length,
    });
  };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const next = Date.now() + 1000;
      await sample().catch((error: unknown) => ctx.log(`  sample failed: ${String(error)}`));
      await sleep(Math.max(0, next - Date.now()));
    }
  })();

  try {
    const bar = ctx.progress('orders placed', count);
    const poisonAt = Math.floor(count / 3);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      // Amounts 200..999 cents never hit the poison amount.
      const amount = i === poisonAt ? poisonAmountCents : 200 + ((i * 37) % 800);
      pending.push(
        placeAndRoute(dc, api, amount).then((o) => {
          orders.push(o);
          bar.tick();
        }),
      );
      await sleep(Math.max(0, started + ((i + 1) * 1000) / perSecond - Date.now()));
    }
    await Promise.all(pending);
    bar.done();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const last = samples.at(-1);
      if (last && last.confirmed === count - 1 && last.dlq >= 1 && last.backlog === 0) break;
      await sleep(500);
    }
  } finally {
    sampling = false;
    await sampler;
  }
  await sample();
  const poison = orders.find((o) => o.poison)!;
  const quarantined = (await peek(dc.sqs, dc.url('payment', 'Dlq'))).find((m) => m.groupId === poison.id);
  const dlqDepths: Record<string, number> = {};
  for (const consumer of CONSUMERS) {
    const d = await queueDepth(dc.sqs, dc.url(consumer, 'Dlq'));
    dlqDepths[consumer] = d.visible + d.inFlight;
  }
  return {
    orders,
    poison,
    samples,
    quarantined,
    dlqDepths,
    finalBacklog: samples.at(-1)?.backlog ?? -1,
    retryWindowSeconds: retryWindowSeconds(dc.budget),
  };
}

/** Gateway requests for one order, by result. */
export function gatewayResults(log: readonly LogEntry[], orderId: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of log)
    if (entry.idempotencyKey === orderId) counts[entry.result] = (counts[entry.result] ?? 0) + 1;
  return counts;
}
