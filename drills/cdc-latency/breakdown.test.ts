import { describe, expect, it } from 'vitest';
import { APPLIED, breakdown, cpuPercent, DEBEZIUM, KINESIS, rateResult, type Sample } from './breakdown.ts';
import { goalMet } from './goal.ts';

const sample = (committedAt: number, arrival?: number, seen?: number, received?: number): Sample => ({
  scheduledAt: committedAt - 2,
  committedAt,
  ...(arrival === undefined ? {} : { kinesisArrivalAt: arrival, kinesisSeenAt: seen }),
  ...(received === undefined ? {} : { queueSentAt: received - 5, queueReceivedAt: received }),
});

describe('breakdown', () => {
  it('times each stage from the samples that reached both of its ends', () => {
    const b = breakdown('10/s', 10, [sample(0, 100, 110, 300), sample(10, 100, 120), sample(20)], 3, 0);
    expect(b.stages[DEBEZIUM]).toMatchObject({ p50: 90, max: 100, mean: 95 });
    expect(b.stages[KINESIS]).toMatchObject({ p50: 110, max: 110 });
    expect(b.stages[APPLIED]).toMatchObject({ p50: 300, max: 300 });
    expect([b.missingKinesis, b.missingQueue, b.committed]).toEqual([1, 2, 3]);
  });

  it('infers one PutRecords call per distinct arrival timestamp', () => {
    const b = breakdown('10/s', 10, [sample(0, 100), sample(1, 100), sample(2, 600), sample(3, 1100)], 4, 0);
    expect([b.sinkBatches, b.meanSinkBatch, b.meanSinkGapMs]).toEqual([3, 1.3, 500]);
  });

  it('reports the rate achieved over the window and the end-to-end percentiles', () => {
    const b = breakdown('10/s', 10, [sample(0, 50, 60, 90), sample(0, 50, 80, 100)], 2, 0);
    expect(rateResult(b, 4000)).toEqual({
      target: 10,
      achieved: 0.5,
      kinesisP50Ms: 60,
      kinesisP99Ms: 80,
      appliedP50Ms: 90,
      appliedP99Ms: 100,
    });
  });
});

describe('cpuPercent', () => {
  it('is the CPU seconds used in the window as % of one core', () => {
    expect(cpuPercent({ pg: 1 }, { pg: 3, jvm: 1 }, 4)).toEqual({ pg: 50, jvm: 25 });
  });
});

describe('goalMet', () => {
  const at = (target: number, kinesisP99Ms: number) => ({
    target,
    achieved: target,
    kinesisP50Ms: 0,
    kinesisP99Ms,
    appliedP50Ms: 0,
    appliedP99Ms: 0,
  });
  it('passes only when the goal rate was run and its p99 is within the goal', () => {
    expect(goalMet([at(50, 10), at(200, 250)])).toBe(true);
    expect(goalMet([at(50, 10), at(200, 251)])).toBe(false);
    expect(goalMet([at(10, 10)])).toBe(false);
  });
});
