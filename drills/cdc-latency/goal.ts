import type { RateResult } from './breakdown.ts';

/** Goals at `goalRate` orders/s on this 2-core machine: commit → Kinesis p99 and commit → applied p99. */
export const goalP99Ms = 250;
export const goalAppliedP99Ms = 1000;
export const goalRate = 200;
/** At `throughputRate` orders/s the pipeline must take at least `minAchieved` and apply as fast as it takes. */
export const throughputRate = 500;
export const minAchieved = 490;
/** Applied/s at least this share of the target: anything lower means a backlog grew during the phase. */
export const keptUpShare = 0.98;

/** Published anchors (vendor benchmarks on far larger hardware): average and p99, commit → sink. */
export const anchors = {
  sequin: { avgMs: 55, p99Ms: 253 },
  debeziumServer: { avgMs: 210, p99Ms: 440 },
};

/** Whether a rate kept up: everything applied, at (nearly) the rate it was offered. */
export function keptUp(r: RateResult): boolean {
  return r.notApplied === 0 && r.appliedPerSec >= keptUpShare * r.target;
}

/** Each goal with whether it was met; undefined when its rate was not run (quick mode). */
export function goals(rates: readonly RateResult[]): Array<{ goal: string; met: boolean | undefined }> {
  const at = (rate: number) => rates.find((r) => r.target === rate);
  const g = at(goalRate);
  const t = at(throughputRate);
  return [
    {
      goal: `commit → Kinesis p99 ≤ ${goalP99Ms} ms at ${goalRate}/s`,
      met: g && g.kinesisP99Ms <= goalP99Ms,
    },
    {
      goal: `commit → applied p99 ≤ ${goalAppliedP99Ms} ms at ${goalRate}/s`,
      met: g && g.appliedP99Ms <= goalAppliedP99Ms,
    },
    {
      goal: `achieved ≥ ${minAchieved}/s at ${throughputRate}/s with no growing backlog (applied ≥ ${keptUpShare * 100}% of the rate, none left)`,
      met: t && t.achieved >= minAchieved && keptUp(t),
    },
  ];
}

/** The bench passes when every goal was measured and met. */
export function goalMet(rates: readonly RateResult[]): boolean {
  return goals(rates).every((g) => g.met === true);
}
