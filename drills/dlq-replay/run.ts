import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { repoRoot } from '../../localstack/lib/paths.ts';
import { queueDepth, ReplayInterruptedError, replay } from '../../tools/dlq/dlq.ts';
import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import {
  type DrillCloud,
  gatewayResults,
  runPoison,
  setPoisonFault,
  startDrillCloud,
} from '../poison/scenario.ts';

/**
 * Drill: after `poison` has put an order in the payment DLQ, fix the cause (clear the gateway fault) and replay
 * the DLQ twice — the first replay killed between its send and its delete (the worst moment), the second with the
 * real `npm run dlq -- replay` command — then deliver one more late copy, as if it came after SQS's 5-minute
 * deduplication window. The order must be charged once, confirmed once, with one OrderConfirmed outbox event.
 */
const execFileAsync = promisify(execFile);

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const dc = await startDrillCloud(ctx, 'dlq-replay');
  try {
    // As many orders as the poison drill's quick run: the poison's 500 spends its own attempts only while the
    // consumer has evidence the gateway serves others (a success in the same container within a minute). With 6,
    // one full npm test saw the poison miss the DLQ within 90 s, most likely because its retries landed in
    // containers that had served none, where a 500 counts as an outage.
    const poisonRun = await runPoison(ctx, dc, 30, 10, 90_000);
    const poison = poisonRun.poison;
    const dlqUrl = dc.url('payment', 'Dlq');
    const sourceUrl = dc.url('payment', 'Queue');
    const beforeFix = gatewayResults(dc.gatewayLog(), poison.id);
    ctx.log(
      `poison ${poison.id} in the DLQ: ${poisonRun.dlqDepths.payment}; gateway so far ${JSON.stringify(beforeFix)}`,
    );

    // Fix the cause.
    await setPoisonFault(dc, false);

    // Replay 1, killed after the send and before the delete: the message is now in the queue AND still in the DLQ.
    const replayStarted = Date.now();
    let firstReplay = { sent: 0, moved: 0, interrupted: false };
    try {
      const r = await replay(dc.sqs, dlqUrl, { sourceUrl, crashAfterSends: 1 });
      firstReplay = { sent: r.moved, moved: r.moved, interrupted: false };
    } catch (error) {
      if (!(error instanceof ReplayInterruptedError)) throw error;
      firstReplay = { sent: 1, moved: 0, interrupted: true };
    }
    await waitFor(async () => (await orderState(dc, poison.id)).status === 'confirmed', 60_000);
    const confirmedAfterReplayMs = Date.now() - replayStarted;
    const dlqAfterFirst = await depth(dc, dlqUrl);

    // Replay 2, with the operator's command: finds the copy the killed replay left behind.
    const cli = await execFileAsync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'tools/dlq/cli.ts'),
        '--endpoint',
        dc.cloud.endpoints.aws,
        'replay',
        dlqUrl,
        '--to',
        sourceUrl,
      ],
      { cwd: repoRoot },
    );
    const secondReplay = JSON.parse(cli.stdout.trim().split('\n').at(-1) ?? '{}') as { moved?: number };

    // A late copy (a replay beyond SQS's 5-minute dedup window): a fresh deduplication id, so SQS delivers it.
    const copy = poisonRun.quarantined;
    if (copy)
      await dc.sqs.send(
        new SendMessageCommand({
          QueueUrl: sourceUrl,
          MessageBody: copy.body,
          MessageGroupId: poison.id,
          MessageDeduplicationId: `late-copy-${Date.now()}`,
        }),
      );
    await waitFor(async () => (await depth(dc, sourceUrl)) === 0 && (await depth(dc, dlqUrl)) === 0, 60_000);
    await sleep(2000); // anything still on its way would show in the gateway log or the outbox now

    const gateway = gatewayResults(dc.gatewayLog(), poison.id);
    const state = await orderState(dc, poison.id);
    const outbox = await dc.db.query(
      `SELECT event_type, count(*)::int AS n FROM outbox WHERE aggregate_id = $1 GROUP BY event_type ORDER BY 1`,
      [poison.id],
    );
    const events = Object.fromEntries(
      (outbox.rows as Array<{ event_type: string; n: number }>).map((r) => [r.event_type, r.n]),
    );
    const dlqAfter = await depth(dc, dlqUrl);
    const checks = {
      'the poison was in the DLQ before the fix': poisonRun.dlqDepths.payment === 1 && copy !== undefined,
      'the killed replay sent the message and left it in the DLQ':
        firstReplay.interrupted && dlqAfterFirst === 1,
      'the second replay (npm run dlq) found and moved it': secondReplay.moved === 1,
      'charged exactly once': gateway.created === 1,
      'confirmed once (version 2)': state.status === 'confirmed' && state.version === 2,
      'exactly one OrderConfirmed outbox event': events.OrderConfirmed === 1,
      'the DLQ is empty at the end': dlqAfter === 0,
    };
    const report: Report = {
      drill: 'dlq-replay',
      passed: Object.values(checks).every(Boolean),
      metrics: {
        replays: 2,
        firstReplaySent: firstReplay.sent,
        firstReplayDeleted: firstReplay.moved,
        secondReplayMoved: secondReplay.moved ?? null,
        lateCopiesDelivered: copy ? 1 : 0,
        chargesCreated: gateway.created ?? 0,
        gatewayFailuresBeforeFix: beforeFix.failed ?? 0,
        orderStatus: state.status,
        orderVersion: state.version,
        orderConfirmedEvents: events.OrderConfirmed ?? 0,
        dlqAfter,
        confirmedAfterReplaySeconds: Math.round(confirmedAfterReplayMs / 100) / 10,
      },
      evidence: {
        quick: ctx.quick,
        checks,
        poisonOrderId: poison.id,
        quarantined: copy ?? null,
        gatewayRequestsForOrder: gateway,
        outboxEventsForOrder: events,
        secondReplayOutput: cli.stdout.trim(),
      },
    };
    return { report, readable: readable(report, checks) };
  } finally {
    await dc.stop();
  }
}

async function depth(dc: DrillCloud, url: string): Promise<number> {
  const d = await queueDepth(dc.sqs, url);
  return d.visible + d.inFlight;
}

async function orderState(dc: DrillCloud, id: string): Promise<{ status: string; version: number }> {
  const rows = await dc.db.query(`SELECT status, version::int AS version FROM orders WHERE id = $1`, [id]);
  return rows.rows[0] as { status: string; version: number };
}

/** Polls `done` until it holds; throws after `timeoutMs`. */
async function waitFor(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(250);
  }
}

function readable(report: Report, checks: Record<string, boolean>): ReadableReport {
  const m = report.metrics;
  return {
    title: 'Drill: dlq-replay — fix the cause, replay twice, apply once',
    summary: [
      `The \`poison\` scenario on a few orders puts one order in the payment DLQ (the gateway stand-in failed it ${m.gatewayFailuresBeforeFix} times with HTTP 500). Then the cause is fixed (the fault cleared) and the DLQ is replayed **twice**: first by a replay killed between its send and its delete — the message is back in the payment queue *and* still in the DLQ — then by the operator's command \`npm run dlq -- replay\`, which finds that copy and moves it again. Last, one more copy is delivered with a fresh deduplication id, as a replay after SQS's 5-minute deduplication window would be.`,
      `Result: the gateway created **${m.chargesCreated}** charge, the order is **${m.orderStatus}** at version ${m.orderVersion}, with **${m.orderConfirmedEvents}** OrderConfirmed outbox event; the DLQ ends with ${m.dlqAfter} messages.`,
      "Why it is safe: replay sends with deduplication id `replay-<DLQ message id>`, so a repeat of the same replay within 5 minutes is dropped by SQS; past that, the consumer's own guards absorb it — the payment gateway's idempotency key is the order id, the order's version-guarded transition moves `pending → confirmed` once, and (with issue 4's Powertools idempotency) the event id is remembered in DynamoDB.",
    ].join('\n\n'),
    sections: [
      {
        heading: 'Checks',
        body: Object.entries(checks)
          .map(([name, ok]) => `- ${ok ? '✅' : '❌'} ${name}`)
          .join('\n'),
      },
      {
        heading: 'How to run',
        body: '`npm run drill -- dlq-replay` (`--quick` runs the same 30 orders; it is quick in nothing else yet). Runbook: docs/runbooks/dlq.md.',
      },
    ],
  };
}
