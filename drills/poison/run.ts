import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { gatewayResults, runPoison, startDrillCloud } from './scenario.ts';

/**
 * Drill: one poison order among many, each order its own FIFO message group. The gateway stand-in answers HTTP 500
 * to every charge of the poison's amount, so the payment consumer can never succeed with it. It must use up its
 * message budget (the stack's MAX_ATTEMPTS) with backoffs, land in the payment DLQ with its reason, and hold back
 * nothing but itself: every other order completes, and the queue's backlog and oldest-message age stay bounded.
 */

/** Slack over the poison's retry window for invocations and sampling on a loaded 2-core machine. */
const AGE_SLACK_SECONDS = 30;

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const count = ctx.quick ? 30 : 300;
  // A rate the warmed-up local payment consumer keeps up with, so a growing backlog would be the poison's doing.
  const perSecond = 10;
  const dc = await startDrillCloud(ctx, 'poison');
  try {
    const result = await runPoison(ctx, dc, count, perSecond, ctx.quick ? 90_000 : 180_000);
    const others = result.orders.filter((o) => !o.poison);
    const othersCompleted = others.filter((o) => o.doneAt !== undefined).length;
    const maxOldestMessageAgeSeconds = Math.max(0, ...result.samples.map((s) => s.oldestAgeSeconds));
    const maxBacklog = Math.max(0, ...result.samples.map((s) => s.backlog));
    const ageBoundSeconds = result.retryWindowSeconds + AGE_SLACK_SECONDS;
    const poisonAttempts = gatewayResults(dc.gatewayLog(), result.poison.id);
    const q = result.quarantined;
    const poisonQuarantinedAfterSeconds =
      result.poison.doneAt === undefined
        ? null
        : Math.round((result.poison.doneAt - result.poison.sentAt) / 100) / 10;
    const completionSeconds = others
      .filter((o) => o.doneAt !== undefined)
      .map((o) => (o.doneAt! - o.sentAt) / 1000);
    const checks = {
      'exactly one message in the payment DLQ': result.dlqDepths.payment === 1,
      'it is the poison order, same group': q?.groupId === result.poison.id,
      'it carries its reason (retry budget exhausted)': /^retry budget exhausted/.test(
        q?.quarantine.reason ?? '',
      ),
      'it used the whole retry budget': q?.quarantine.receiveCount === String(dc.budget.maxAttempts),
      'the gateway saw exactly maxAttempts attempts, none charged':
        poisonAttempts.failed === dc.budget.maxAttempts && poisonAttempts.created === undefined,
      'every other order completed': othersCompleted === others.length,
      'no other DLQ has anything': result.dlqDepths.inventory === 0 && result.dlqDepths.notification === 0,
      'the payment queue drained': result.finalBacklog === 0,
      [`oldest-message age stayed under ${ageBoundSeconds} s`]: maxOldestMessageAgeSeconds <= ageBoundSeconds,
    };
    const passed = Object.values(checks).every(Boolean);
    const report: Report = {
      drill: 'poison',
      passed,
      metrics: {
        dlqMessages: result.dlqDepths.payment,
        othersCompleted,
        othersTotal: others.length,
        maxOldestMessageAgeSeconds,
        ageBoundSeconds,
        maxBacklog,
        poisonQuarantinedAfterSeconds,
        poisonReceiveCount: q?.quarantine.receiveCount ?? null,
        maxAttempts: dc.budget.maxAttempts,
        retryWindowSeconds: result.retryWindowSeconds,
        othersMaxCompletionSeconds: Math.round(Math.max(0, ...completionSeconds) * 10) / 10,
      },
      evidence: {
        quick: ctx.quick,
        checks,
        orders: count,
        offeredPerSecond: perSecond,
        poisonOrderId: result.poison.id,
        quarantined: q ?? null,
        poisonGatewayRequests: poisonAttempts,
        dlqDepths: result.dlqDepths,
        backoff: dc.budget,
        samples: result.samples,
      },
    };
    return { report, readable: readable(report, result.samples, checks) };
  } finally {
    await dc.stop();
  }
}

function readable(
  report: Report,
  samples: Array<{ t: number; backlog: number; dlq: number; oldestAgeSeconds: number }>,
  checks: Record<string, boolean>,
): ReadableReport {
  const m = report.metrics;
  const e = report.evidence as {
    orders: number;
    offeredPerSecond: number;
    quarantined: { quarantine: Record<string, string> } | null;
  };
  const series = samples.flatMap((s) => [
    { t: s.t, series: 'payment queue backlog (messages)', value: s.backlog },
    { t: s.t, series: 'oldest unsettled message age (s)', value: s.oldestAgeSeconds },
    { t: s.t, series: 'payment DLQ (messages)', value: s.dlq },
  ]);
  return {
    title: 'Drill: poison — one order that can never be paid, among many',
    summary: [
      `${e.orders} orders at ${e.offeredPerSecond}/s, each its own FIFO message group; the drill relays each order's outbox row to the consumer queues exactly as the router would (Debezium is off so the timing is the consumers'). One order's amount makes the payment gateway stand-in answer **HTTP 500** every time, while it serves every other order. A 5xx while the other orders succeed is the message's own failure, not an outage (the circuit breaker stays closed): the consumer retries with backoff (visibility timeout; locally 1, 2, 4, 4 s instead of the stack's 2, 4, 8, 16 s — \`RETRY_BACKOFF_*\` overridden for the drill only) until the receive that uses up its **MAX_ATTEMPTS (${m.maxAttempts}, from the CDK stack)**, then copies it to the payment DLQ with its reason and acknowledges it.`,
      `Result: **${m.dlqMessages}** message in the payment DLQ after ${m.poisonQuarantinedAfterSeconds} s (reason: “${e.quarantined?.quarantine.reason ?? 'none'}”); **${m.othersCompleted}/${m.othersTotal}** other orders confirmed; the oldest unsettled payment message was never older than **${m.maxOldestMessageAgeSeconds} s** (bound ${m.ageBoundSeconds} s = retry window ${m.retryWindowSeconds} s + slack), the backlog peaked at ${m.maxBacklog} and drained to 0.`,
      '**Oldest-message age**: ElasticMQ has no `ApproximateAgeOfOldestMessage` (in AWS it is a CloudWatch metric, not a queue attribute), so the drill computes it from its own clocks: the time it sent each OrderPlaced, and the moment it saw the order leave `pending` in Postgres (sampled each second) — or, for the poison, its copy arrive in the DLQ. A message counts as waiting until the first sample that sees it gone, so the figure is an upper bound by at most one sampling interval. Backlog is `ApproximateNumberOfMessages` + `…NotVisible` of the payment queue.',
      `Without the policy the poison would sit in the queue until the queue's redrive backstop (sized above what a 6 h outage spends) moved it — hours, with no reason attached.`,
    ].join('\n\n'),
    charts: [
      {
        name: 'over-time',
        caption: 'Payment queue backlog, oldest unsettled message age and DLQ depth, sampled each second',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 560,
          height: 240,
          data: { values: series },
          mark: { type: 'line', interpolate: 'step-after' },
          encoding: {
            x: { field: 't', type: 'quantitative', title: 'seconds since the first order' },
            y: { field: 'value', type: 'quantitative', title: null },
            color: { field: 'series', type: 'nominal', legend: { orient: 'bottom', title: null } },
          },
        },
      },
    ],
    sections: [
      {
        heading: 'Checks',
        body: Object.entries(checks)
          .map(([name, ok]) => `- ${ok ? '✅' : '❌'} ${name}`)
          .join('\n'),
      },
      {
        heading: 'How to run',
        body: '`npm run drill -- poison` (add `--quick` for 30 orders). Inspect a DLQ the same way in the local cloud or AWS: `npm run dlq -- show payment` (see docs/runbooks/dlq.md).',
      },
    ],
  };
}
