import type { ReadableReport, Report } from '../kit/report.ts';
import { type LatencyWindow, maxLatencyTrend, maxMemoryGrowth, type RssReading } from './verdict.ts';

interface Metrics {
  rate: number;
  seconds: number;
  windowSeconds: number;
  orders: number;
  charges: number;
  lost: number;
  doubleCharges: number;
  p99ByWindowMs: number[];
  latencyTrend: number;
  memoryGrowth: Record<string, number>;
  benchProcessGrowth: number | undefined;
  quick: boolean;
}

/** The soak's report and its readable form: RSS over time per process, p99 per window, the verdict's inputs. */
export function soakReport(input: {
  metrics: Metrics;
  passed: boolean;
  windows: LatencyWindow[];
  readings: RssReading[];
  plan: { rssEveryS: number };
}): { report: Report; readable: ReadableReport } {
  const { metrics, passed, windows, readings } = input;
  const rssRows = readings.flatMap((r) =>
    Object.entries(r.mb).map(([process, mb]) => ({ minute: r.atMs / 60_000, process, mb })),
  );
  const pct = (g: number) => `${(100 * g).toFixed(1)}%`;
  const growthRows = Object.entries(metrics.memoryGrowth)
    .sort(([, a], [, b]) => b - a)
    .map(([p, g]) => `| ${p} | ${pct(g)} | ${g < maxMemoryGrowth ? 'ok' : '**grew**'} |`);
  return {
    report: {
      drill: 'soak',
      passed,
      metrics: { ...metrics },
      evidence: { windows, rss: readings, rssEverySeconds: input.plan.rssEveryS },
    },
    readable: {
      title: `Bench: soak — ${metrics.rate} orders/s for ${metrics.seconds / 60} min`,
      summary: [
        `${metrics.orders} orders placed open loop at ${metrics.rate}/s for ${metrics.seconds} s through the whole local pipeline, every consumer running${metrics.quick ? ' (quick mode: far too short to judge memory; it proves the bench runs)' : ''}. Latency = commit → applied (the order row's \`updated_at\` once the payment consumer confirmed it), p99 per ${metrics.windowSeconds} s window by commit time. RSS of every process the cloud started, every ${input.plan.rssEveryS} s.`,
        `- lost (committed, never applied): **${metrics.lost}**; double charges (an order charged twice at the gateway): **${metrics.doubleCharges}** (${metrics.charges} charges)`,
        `- p99 per window (ms): ${metrics.p99ByWindowMs.join(', ')}; trend after the warm-up window: ${pct(metrics.latencyTrend)} of the median (limit ${pct(maxLatencyTrend)})`,
        `- memory growth after the warm-up window (last window over first): largest ${growthRows.length ? growthRows[0]!.split(' | ').slice(0, 2).join(' ').replace('| ', '') : 'n/a'}, limit ${pct(maxMemoryGrowth)}; this bench's own process (which keeps every order's timing) grew ${metrics.benchProcessGrowth === undefined ? 'n/a' : pct(metrics.benchProcessGrowth)} and is not judged`,
      ].join('\n'),
      charts: [
        {
          name: 'rss',
          caption: 'Resident memory per process over the run (MB)',
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
            width: 560,
            height: 260,
            data: { values: rssRows },
            mark: 'line',
            encoding: {
              x: { field: 'minute', type: 'quantitative', title: 'minutes into the load' },
              y: { field: 'mb', type: 'quantitative', title: 'RSS MB' },
              color: { field: 'process', type: 'nominal' },
            },
          },
        },
        {
          name: 'p99',
          caption: 'commit → applied p50 and p99 per window (ms)',
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
            width: 560,
            height: 200,
            data: {
              values: windows.flatMap((w) => [
                { fromS: w.fromS, percentile: 'p50', ms: w.p50Ms },
                { fromS: w.fromS, percentile: 'p99', ms: w.p99Ms },
              ]),
            },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'fromS', type: 'quantitative', title: 'window start (s into the load)' },
              y: { field: 'ms', type: 'quantitative', title: 'ms' },
              color: { field: 'percentile', type: 'nominal' },
            },
          },
        },
      ],
      sections: [
        {
          heading: 'Memory growth per process',
          body: `| process | growth | verdict |\n|---|---|---|\n${growthRows.join('\n')}`,
        },
        {
          heading: 'Windows',
          body: `| from s | orders | p50 ms | p99 ms |\n|---|---|---|---|\n${windows.map((w) => `| ${w.fromS} | ${w.orders} | ${w.p50Ms} | ${w.p99Ms} |`).join('\n')}`,
        },
      ],
    },
  };
}
