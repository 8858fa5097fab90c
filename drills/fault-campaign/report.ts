import type { ChartSpec } from '../kit/chart.ts';
import type { FaultRecord } from '../kit/faults.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import type { StateSample } from './observe.ts';

const states = ['pending', 'confirmed', 'payment_failed', 'cancelled'];

/** Orders by state over time (lines), each fault a band of its own row colour, on one time axis. */
export function statesChart(samples: StateSample[], faults: FaultRecord[], startedAt: number): ChartSpec {
  const points = samples.flatMap((s) =>
    s.counts ? states.map((state) => ({ t: s.t, state, orders: s.counts?.[state] ?? 0 })) : [],
  );
  const bands = faults.map((f) => ({
    fault: `${f.kind} (${f.target})`,
    from: (f.start - startedAt) / 1000,
    // An instant fault (a container kill) still gets a visible sliver.
    to: Math.max((f.end - startedAt) / 1000, (f.start - startedAt) / 1000 + 0.5),
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 640,
    height: 260,
    layer: [
      {
        data: { values: bands },
        mark: { type: 'rect', opacity: 0.18 },
        encoding: {
          x: { field: 'from', type: 'quantitative', title: 'seconds since the load started' },
          x2: { field: 'to' },
          color: { field: 'fault', type: 'nominal', legend: { orient: 'right', title: 'fault' } },
        },
      },
      {
        data: { values: points },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 't', type: 'quantitative' },
          y: { field: 'orders', type: 'quantitative', title: 'orders' },
          stroke: { field: 'state', type: 'nominal', legend: { orient: 'bottom', title: 'state' } },
        },
      },
    ],
  };
}

export interface CampaignSummary {
  quick: boolean;
  seed: number;
  scale: number;
  ratePerSecond: number;
  loadSeconds: number;
  boundSeconds: number;
  checks: Record<string, boolean>;
  dlqReasons: Record<string, number>;
}

export function readableReport(
  report: Report,
  summary: CampaignSummary,
  chart: ChartSpec,
  faults: FaultRecord[],
  startedAt: number,
): ReadableReport {
  const m = report.metrics;
  const rel = (ms: number) => ((ms - startedAt) / 1000).toFixed(1);
  return {
    title: 'Drill: fault-campaign — ordinary faults under sustained load',
    summary: [
      `Open-loop load of **${summary.ratePerSecond} orders/s for ${summary.loadSeconds} s** through the HTTP API (signed token; every retry with the SAME Idempotency-Key, by the web UI's own policy: a network error or 5xx 4 times quickly, a 503 with Retry-After (the database down) at the server's pace for 30 s). Meanwhile a seeded schedule (seed ${summary.seed}) injects Postgres SIGKILL + restart on the same data directory and port, Postgres SIGSTOP/SIGCONT, a payment gateway outage (503) and hang, a Debezium SIGKILL + restart, Lambda container kills and a DynamoDB emulator SIGSTOP — in three lanes that overlap.${summary.quick ? ` **Quick mode**: fault durations × ${summary.scale} inside the first 60 % of the load, recovery bound ${summary.boundSeconds} s (the local pipeline drains ~12 orders/s, less than the offered 20/s), consumers 10 s timeout / 25 s visibility and the reconciler every 15 s with a 30 s deadline (deployed: 30 s / 180 s, every minute, 2 min).` : ''}`,
      `Result: **${m.ordersAccepted}** orders answered 201; **${m.ordersStuck}** not terminal when the drill stopped waiting (${summary.boundSeconds} s after the last fault cleared, or earlier once everything had drained); slowest recovery ${m.maxRecoverySeconds} s; ${m.doubleCharges} double and ${m.missingCharges} missing charges; ${m.lostEvents} lost events; ${m.duplicateEffects} duplicate effects; **${m.dlqMessages}** messages in DLQs/failure queues; ${m.unpagedFaults} faults that paged no alarm meant for them; ${m.manualActions} manual actions.`,
      'Recovery of an order is measured from the end of the last fault that started before it settled (or its acceptance, if later) to its terminal state (`updated_at`). Lost events: an outbox row a consumer it is routed to never acted on (no gateway request for the order, no side-effect entry for the event), observed without consuming any queue.',
    ].join('\n\n'),
    charts: [{ name: 'states', caption: 'Orders by state over time, faults as bands', spec: chart }],
    sections: [
      {
        heading: 'Checks',
        body: Object.entries(summary.checks)
          .map(([name, ok]) => `- ${ok ? '✅' : '❌'} ${name}`)
          .join('\n'),
      },
      {
        heading: 'Faults (seconds since the load started)',
        body: [
          '| kind | target | start | end |',
          '|---|---|---|---|',
          ...faults.map((f) => `| ${f.kind} | ${f.target} | ${rel(f.start)} | ${rel(f.end)} |`),
        ].join('\n'),
      },
      {
        heading: 'Payment DLQ reasons (first 20 messages)',
        body:
          Object.entries(summary.dlqReasons)
            .map(([reason, n]) => `- ${n} × \`${reason}\``)
            .join('\n') || 'none',
      },
      {
        heading: 'How to run',
        body: '`npm run drill -- fault-campaign` (add `--quick` for the scaled-down run); `--param seed=<n>` replays a schedule.',
      },
    ],
  };
}
