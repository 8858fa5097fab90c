import { logDir } from '../../localstack/lib/paths.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import type { Breakdown, RateResult } from './breakdown.ts';
import { findings, recommendations } from './findings.ts';
import { anchors, goalP99Ms, goalRate } from './goal.ts';
import type { ChartRow, Measured } from './phases.ts';

type Plan = Array<{ rate: number; seconds: number }>;

/** The report (metrics and evidence exactly as readers of cdc-latency.json expect) and its readable form. */
export function benchReport(input: {
  measured: Measured;
  passed: boolean;
  plan: Plan;
  quick: boolean;
  tuning: Record<string, string>;
  routerStats: unknown;
  startupMs: number;
}): { report: Report; readable: ReadableReport } {
  const { measured, passed, plan, quick, tuning } = input;
  const { rates, whatIf, breakdowns } = measured;
  const report: Report = {
    drill: 'cdc-latency',
    passed,
    metrics: {
      rates,
      whatIf,
      goal: `commit → Kinesis p99 ≤ ${goalP99Ms} ms at ${goalRate} orders/s`,
      anchors,
      secondsPerRate: plan[0]?.seconds,
      quick,
    },
    evidence: { breakdowns, tuning, routerStats: input.routerStats, startupMs: input.startupMs, logDir },
  };
  return {
    report,
    readable: {
      title: 'Bench: CDC latency — commit → Kinesis → consumer queue',
      summary: summaryText(whatIf ? [...rates, whatIf] : rates, plan, passed, quick),
      charts: [percentilesChart(measured.chartRows)],
      sections: analysis(breakdowns, tuning),
    },
  };
}

function percentilesChart(chartRows: ChartRow[]): NonNullable<ReadableReport['charts']>[number] {
  return {
    name: 'percentiles',
    caption: 'Latency percentiles per offered rate (ms)',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 180,
      height: 220,
      data: { values: chartRows },
      mark: 'bar',
      encoding: {
        column: { field: 'measure', type: 'nominal', title: null },
        x: { field: 'rate', type: 'ordinal', title: 'offered orders/s', sort: null },
        xOffset: { field: 'percentile' },
        y: { field: 'ms', type: 'quantitative', title: 'ms after commit' },
        color: { field: 'percentile', type: 'nominal' },
      },
    },
  };
}

function summaryText(
  rates: Array<RateResult & { pollIntervalMs?: number }>,
  plan: Plan,
  passed: boolean,
  quick: boolean,
): string {
  const lines = rates.map(
    (r) =>
      `| ${r.target}${r.pollIntervalMs ? `, poll.interval.ms=${r.pollIntervalMs}` : ''} | ${r.achieved} | ${r.kinesisP50Ms} | ${r.kinesisP99Ms} | ${r.appliedP50Ms} | ${r.appliedP99Ms} |`,
  );
  return [
    `The whole local pipeline (Postgres 17, Debezium Server → kinesis-local \`OrderEvents\`, the router Lambda → the SQS FIFO consumer queues) on this 2-core machine. Orders are placed with \`placeOrder\` through a pool of 16 connections, open loop (sent at their scheduled times, not after the previous one), ${plan.map((p) => `${p.rate}/s for ${p.seconds} s`).join(', ')}${quick ? ' (quick mode)' : ''}. Commit time = the client's clock right after \`placeOrder\` resolved. **kinesis** = until this bench's GetRecords loop (20 ms idle poll) saw the record; **applied** = until this bench's receive on the payment queue returned it: *in the consumer's queue*, not processed — consumer mappings are paused (consumers are not implemented yet), so this is the publish-and-route latency.`,
    '| offered/s | achieved/s | commit→Kinesis p50 ms | p99 ms | commit→queue p50 ms | p99 ms |\n|---|---|---|---|---|---|\n' +
      lines.join('\n'),
    `Anchors: Sequin publishes **55 ms avg / 253 ms p99** and Debezium Server **210 ms / 440 ms** (Sequin's vendor benchmark, far larger hardware). Our goal: commit → Kinesis **p99 ≤ ${goalP99Ms} ms at ${goalRate} orders/s** — ${passed ? 'met' : rates.some((r) => r.target === goalRate) ? 'not met' : 'not measured in this mode'} (see *Where the time goes* for why). Pass/fail of a bench is informational.`,
  ].join('\n\n');
}

function analysis(breakdowns: Breakdown[], tuning: Record<string, string>) {
  const stageRows = breakdowns.flatMap((b) =>
    Object.entries(b.stages).map(
      ([name, s]) => `| ${b.label} | ${name} | ${s.mean} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} |`,
    ),
  );
  const batchRows = breakdowns.map(
    (b) =>
      `| ${b.label} | ${b.sent} | ${b.committed} | ${b.failed} | ${b.sinkBatches} | ${b.meanSinkBatch} | ${b.meanSinkGapMs} | ${b.missingKinesis} | ${b.missingQueue} |`,
  );
  const knobRows = Object.entries(tuning).map(([k, v]) => `| \`${k}\` | ${v} |`);
  return [
    { heading: 'Where the time goes', body: findings(breakdowns) },
    {
      heading: 'Stage by stage (ms)',
      body: [
        "Timestamps from three clocks on one machine: the bench (commit, reader, receive), kinesis-local (`ApproximateArrivalTimestamp`, when PutRecords stored the record), ElasticMQ (`SentTimestamp`, when the router's SendMessageBatch stored the message).",
        '| run | stage | mean | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|---|\n' +
          stageRows.join('\n'),
        "Debezium's sink calls, inferred from distinct arrival timestamps (records of one PutRecords share one):",
        '| run | sent | committed | failed | PutRecords calls | records / call | ms between calls | not in Kinesis | not in queue |\n|---|---|---|---|---|---|---|---|---|\n' +
          batchRows.join('\n'),
      ].join('\n\n'),
    },
    { heading: 'Recommended settings (not applied)', body: recommendations },
    {
      heading: 'The knobs on the path (as run)',
      body: `| setting | value |\n|---|---|\n${knobRows.join('\n')}`,
    },
  ];
}
