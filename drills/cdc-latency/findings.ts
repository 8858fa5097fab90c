import {
  type Breakdown,
  CONSUMER,
  HOPS,
  IN_QUEUE,
  KINESIS,
  type RateResult,
  ROUTER,
  SCHEDULED_TO_COMMIT,
} from './breakdown.ts';
import {
  goalAppliedP99Ms,
  goalP99Ms,
  goalRate,
  keptUp,
  keptUpShare,
  minAchieved,
  throughputRate,
} from './goal.ts';

/** Which process a hop's time is spent in, for naming the saturated component. */
const hopProcesses: Record<string, string[]> = {
  [SCHEDULED_TO_COMMIT]: ['Postgres (all backends)'],
  [KINESIS]: ['Debezium Server (both connectors)', 'ferrokinesis', 'kinesis-local'],
  [ROUTER]: ['router Lambda', 'ferrokinesis', 'kinesis-local', 'ElasticMQ'],
  [IN_QUEUE]: ['ElasticMQ', 'this bench (+ runtime, gateway, API)'],
  [CONSUMER]: ['payment Lambda', 'Postgres (all backends)', 'DynamoDB Local'],
};

const topCpu = (b: Breakdown, n = 5) =>
  Object.entries(b.cpuPercent)
    .sort(([, x], [, y]) => y - x)
    .slice(0, n)
    .map(([name, pct]) => `${name} ${pct}%`)
    .join(', ');

/** The hop with the largest p99 at one rate, and the CPU of the processes that serve it. */
export function slowestHop(b: Breakdown): { hop: string; p99: number; cpu: string } {
  const [hop] = [SCHEDULED_TO_COMMIT, ...HOPS].sort((x, y) => b.stages[y]!.p99 - b.stages[x]!.p99);
  return { hop: hop!, p99: b.stages[hop!]!.p99, cpu: cpuOf(b, hopProcesses[hop!] ?? []) };
}

const cpuOf = (b: Breakdown, processes: string[]) =>
  processes
    .filter((p) => b.cpuPercent[p] !== undefined)
    .map((p) => `${p} ${b.cpuPercent[p]}%`)
    .join(', ');

/**
 * The component that saturated: a queue that waits long while fewer orders are applied than offered is drained
 * too slowly, so the consumer behind it is named rather than the queue; otherwise the slowest hop's processes.
 */
export function saturated(b: Breakdown): string {
  const slow = slowestHop(b);
  if (slow.hop === IN_QUEUE && b.appliedPerSec < keptUpShare * b.target)
    return `**the payment consumer**: it applied ${b.appliedPerSec} orders/s against ${b.target} offered, so the payment queue grew (router send → consumer receives p99 ${slow.p99} ms; CPU ${cpuOf(b, hopProcesses[CONSUMER]!)})`;
  return `**${slow.hop}** (p99 ${slow.p99} ms; CPU ${slow.cpu || 'not sampled'})`;
}

/** The narrative per rate: where the time goes, and for a missed goal, which component saturated. */
export function findings(breakdowns: Breakdown[], rates: RateResult[]): string {
  if (breakdowns.length === 0) return 'No figures (the run did not complete).';
  return breakdowns
    .map((b) => {
      const r = rates.find((x) => x.target === b.target)!;
      const slow = slowestHop(b);
      const hops = HOPS.map(
        (h) => `${h.replace(/ \(.*\)$/, '')} p50 ${b.stages[h]!.p50} / p99 ${b.stages[h]!.p99} ms`,
      ).join('; ');
      const missed: string[] = [];
      if (b.target === goalRate && r.kinesisP99Ms > goalP99Ms)
        missed.push(`commit → Kinesis p99 ${r.kinesisP99Ms} ms > ${goalP99Ms} ms`);
      if (b.target === goalRate && r.appliedP99Ms > goalAppliedP99Ms)
        missed.push(`commit → applied p99 ${r.appliedP99Ms} ms > ${goalAppliedP99Ms} ms`);
      if (b.target === throughputRate && (r.achieved < minAchieved || !keptUp(r)))
        missed.push(
          `achieved ${r.achieved}/s, applied ${r.appliedPerSec}/s, ${r.notApplied} not applied at the end`,
        );
      const verdict = missed.length ? ` **Missed: ${missed.join('; ')}.** Saturated: ${saturated(b)}.` : '';
      return `- **${b.label}**: ${hops}. Slowest hop: ${slow.hop}. CPU (% of one core, phase + settling): ${topCpu(b)}.${verdict}`;
    })
    .join('\n')
    .concat(
      "\n\nPhases run back to back: an order not applied when a phase's settling ends is still in the queue when the next phase starts, so a later phase's applied latency includes the earlier backlog. Latency percentiles cover the orders that were applied (the rest are counted as not applied), so with a backlog they understate.",
    );
}
