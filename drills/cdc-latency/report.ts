import { logDir } from '../../localstack/lib/paths.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import type { Breakdown, RateResult } from './breakdown.ts';
import { findings } from './findings.ts';
import { anchors, goals } from './goal.ts';
import type { ChartRow, Measured } from './phases.ts';

type Plan = Array<{ rate: number; seconds: number }>;

/** The report (metrics and evidence as readers of cdc-latency.json expect) and its readable form. */
export function benchReport(input: {
  measured: Measured;
  passed: boolean;
  plan: Plan;
  quick: boolean;
  tuning: Record<string, string>;
  runtimeStats: unknown;
  startupMs: number;
  seenBeforeTracked: number;
}): { report: Report; readable: ReadableReport } {
  const { measured, passed, plan, quick, tuning } = input;
  const { rates, breakdowns } = measured;
  const report: Report = {
    drill: 'cdc-latency',
    passed,
    metrics: { rates, goals: goals(rates), anchors, secondsPerRate: plan[0]?.seconds, quick },
    evidence: {
      breakdowns,
      tuning,
      runtimeStats: input.runtimeStats,
      startupMs: input.startupMs,
      seenInKinesisBeforeCommitResolved: input.seenBeforeTracked,
      logDir,
    },
  };
  return {
    report,
    readable: {
      title: 'Bench: CDC latency — commit → Kinesis → router → payment consumer → confirmed',
      summary: summaryText(rates, plan, quick),
      charts: [percentilesChart(measured.chartRows)],
      sections: analysis(breakdowns, rates, tuning, input.seenBeforeTracked),
    },
  };
}

function percentilesChart(chartRows: ChartRow[]): NonNullable<ReadableReport['charts']>[number] {
  return {
    name: 'percentiles',
    caption: 'p50 and p99 per hop and end to end, per offered rate (ms, log scale)',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 140,
      height: 200,
      data: { values: chartRows.map((r) => ({ ...r, ms: Math.max(r.ms, 0.1) })) },
      mark: 'bar',
      encoding: {
        column: { field: 'measure', type: 'nominal', title: null, sort: null },
        x: { field: 'rate', type: 'ordinal', title: 'offered orders/s', sort: null },
        xOffset: { field: 'percentile' },
        y: { field: 'ms', type: 'quantitative', title: 'ms', scale: { type: 'log' } },
        color: { field: 'percentile', type: 'nominal' },
      },
    },
  };
}

function summaryText(rates: RateResult[], plan: Plan, quick: boolean): string {
  const lines = rates.map(
    (r) =>
      `| ${r.target} | ${r.achieved} | ${r.appliedPerSec} | ${r.notApplied} | ${r.kinesisP50Ms} | ${r.kinesisP99Ms} | ${r.appliedP50Ms} | ${r.appliedP99Ms} |`,
  );
  const goalLines = goals(rates).map(
    (g) =>
      `- ${g.goal}: ${g.met === undefined ? 'not measured in this mode' : g.met ? '**met**' : '**missed**'}`,
  );
  return [
    `The whole local pipeline with every consumer running (Postgres 17, Debezium Server → ferrokinesis \`OrderEvents\` with per-shard limits, the router Lambda → the SQS FIFO queues → the payment consumer, which charges the stand-in gateway and confirms the order). Orders are placed with \`placeOrder\` through a pool of 16 connections, open loop (sent at their scheduled times, not after the previous one), ${plan.map((p) => `${p.rate}/s for ${p.seconds} s`).join(', ')}${quick ? ' (quick mode)' : ''}. **commit** = the bench's clock right after \`placeOrder\` resolved; **kinesis** = this bench's GetRecords loop (20 ms idle poll) saw the record; **applied** = the order row's \`updated_at\` once the payment consumer moved it out of \`pending\` (Postgres's clock at the start of the confirm transaction, after the charge; same machine clock).`,
    '| offered/s | achieved/s | applied/s | not applied | commit→Kinesis p50 ms | p99 ms | commit→applied p50 ms | p99 ms |\n|---|---|---|---|---|---|---|---|\n' +
      lines.join('\n'),
    goalLines.join('\n'),
    `Anchors: Sequin publishes **${anchors.sequin.avgMs} ms avg / ${anchors.sequin.p99Ms} ms p99** and Debezium Server **${anchors.debeziumServer.avgMs} ms / ${anchors.debeziumServer.p99Ms} ms** commit → sink (Sequin's vendor benchmark, far larger hardware). Pass/fail of a bench is informational; this machine's 2 cores may be shared with other work, which makes the figures pessimistic.`,
  ].join('\n\n');
}

function analysis(
  breakdowns: Breakdown[],
  rates: RateResult[],
  tuning: Record<string, string>,
  seenBeforeTracked: number,
) {
  const stageRows = breakdowns.flatMap((b) =>
    Object.entries(b.stages).map(
      ([name, s]) => `| ${b.label} | ${name} | ${s.mean} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} |`,
    ),
  );
  const batchRows = breakdowns.map(
    (b) =>
      `| ${b.label} | ${b.sent} | ${b.committed} | ${b.failed} | ${b.kinesisIngestPerSec} | ${b.missingKinesis} | ${b.missingQueue} | ${b.missingApplied} |`,
  );
  const knobRows = Object.entries(tuning).map(([k, v]) => `| \`${k}\` | ${v} |`);
  return [
    { heading: 'Where the time goes', body: findings(breakdowns, rates) },
    {
      heading: 'Hop by hop (ms)',
      body: [
        "Clocks, all on one machine: the bench (commit, and its stream reader, which polls each shard every 20 ms when idle, so a record is seen at most ≈20 ms plus one GetRecords after it arrived), ElasticMQ (`SentTimestamp`, when the router's SendMessageBatch stored the message), the local Lambda runtime (when its poller received the message for the payment consumer; a hook, so the bench takes no message from the consumer) and Postgres (`updated_at` of the confirm). The emulator's `ApproximateArrivalTimestamp` is not used: ferrokinesis 0.7.0 truncates it to whole seconds. The router hop can come out slightly negative when the router's poll read a record before the bench's did.",
        '| run | stage | mean | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|---|\n' +
          stageRows.join('\n'),
        'What reached each end:',
        '| run | sent | committed | failed | stream records/s seen | not in Kinesis | not received by the consumer | not applied |\n|---|---|---|---|---|---|---|---|\n' +
          batchRows.join('\n'),
        `Records seen in the stream before \`placeOrder\`'s promise had resolved in this process: **${seenBeforeTracked}**. The bench's stream reader and the order writer share one event loop, so a record can be read before the commit's callback runs; the bench now keeps such sightings until the order is tracked. Dropping them is what an earlier version reported as "1 record missing in Kinesis": a bench artefact, not a lost record.`,
      ].join('\n\n'),
    },
    {
      heading: 'The knobs on the path (as run)',
      body: `| setting | value |\n|---|---|\n${knobRows.join('\n')}`,
    },
  ];
}
