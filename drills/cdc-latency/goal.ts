import type { RateResult } from './breakdown.ts';

/** Goal: commit → Kinesis p99 at most this, at `goalRate` orders/s, on this 2-core machine. */
export const goalP99Ms = 250;
export const goalRate = 200;

/** Published anchors (vendor benchmarks on far larger hardware): average and p99, commit → sink. */
export const anchors = {
  sequin: { avgMs: 55, p99Ms: 253 },
  debeziumServer: { avgMs: 210, p99Ms: 440 },
};

/** The poll interval the what-if run tries (the analysis in findings.ts explains the choice). */
export const whatIfPollMs = 50;

/** The bench passes when the goal rate was measured and its commit → Kinesis p99 is within the goal. */
export function goalMet(rates: readonly RateResult[]): boolean {
  const atGoal = rates.find((r) => r.target === goalRate);
  return atGoal !== undefined && atGoal.kinesisP99Ms <= goalP99Ms;
}
