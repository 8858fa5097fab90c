import { describe, expect, it } from 'vitest';
import {
  APPLIED,
  breakdown,
  CONSUMER,
  cpuPercent,
  KINESIS,
  type RateResult,
  ROUTER,
  rateResult,
  type Sample,
} from './breakdown.ts';
import { goalMet } from './goal.ts';
import { PipelineStamps } from './observe.ts';

const sample = (committedAt: number, arrival?: number, seen?: number, applied?: number): Sample => ({
  scheduledAt: committedAt - 2,
  committedAt,
  ...(arrival === undefined ? {} : { kinesisArrivalAt: arrival, kinesisSeenAt: seen }),
  ...(applied === undefined
    ? {}
    : { queueSentAt: applied - 20, consumerReceivedAt: applied - 10, appliedAt: applied }),
});

describe('breakdown', () => {
  it('times each stage from the samples that reached both of its ends', () => {
    const b = breakdown('10/s', 10, [sample(0, 100, 110, 300), sample(10, 100, 120), sample(20)], 3, 0);
    expect(b.stages[KINESIS]).toMatchObject({ p50: 110, max: 110 });
    expect(b.stages[APPLIED]).toMatchObject({ p50: 300, max: 300 });
    expect(b.stages[CONSUMER]).toMatchObject({ p50: 10 });
    expect([b.missingKinesis, b.missingQueue, b.missingApplied, b.committed]).toEqual([1, 2, 2, 3]);
  });

  it('times the router hop from when the bench saw the record, not the emulator arrival clock', () => {
    const b = breakdown('10/s', 10, [sample(0, 0, 50, 300)], 1, 0);
    expect(b.stages[ROUTER]).toMatchObject({ p50: 230 });
  });

  it('reports the rate achieved over the window, the applied rate and the end-to-end percentiles', () => {
    const b = breakdown('10/s', 10, [sample(0, 50, 60, 90), sample(0, 50, 80, 100)], 2, 0);
    expect(rateResult(b, 4000)).toEqual({
      target: 10,
      achieved: 0.5,
      kinesisP50Ms: 60,
      kinesisP99Ms: 80,
      appliedP50Ms: 90,
      appliedP99Ms: 100,
      appliedPerSec: 20,
      notApplied: 0,
    });
  });
});

describe('PipelineStamps', () => {
  it('keeps a record seen before its order was tracked, instead of missing it', () => {
    const stamps = new PipelineStamps();
    stamps.onRecord(JSON.stringify({ aggregateId: 'o1', eventType: 'OrderPlaced', eventId: 'e1' }), 5);
    const s: Sample = { scheduledAt: 0, committedAt: 1 };
    stamps.track('o1', s);
    expect(s).toMatchObject({ kinesisArrivalAt: 5, eventId: 'e1' });
    expect(stamps.seenBeforeTracked).toBe(1);
  });
});

describe('cpuPercent', () => {
  it('is the CPU seconds used in the window as % of one core', () => {
    expect(cpuPercent({ pg: 1 }, { pg: 3, jvm: 1 }, 4)).toEqual({ pg: 50, jvm: 25 });
  });
});

describe('goalMet', () => {
  const at = (
    target: number,
    kinesisP99Ms: number,
    appliedP99Ms = 0,
    appliedPerSec = target,
  ): RateResult => ({
    target,
    achieved: target,
    kinesisP50Ms: 0,
    kinesisP99Ms,
    appliedP50Ms: 0,
    appliedP99Ms,
    appliedPerSec,
    notApplied: 0,
  });
  it('passes only when every goal was run and met', () => {
    expect(goalMet([at(50, 10), at(200, 250, 1000), at(500, 10)])).toBe(true);
    expect(goalMet([at(50, 10), at(200, 251), at(500, 10)])).toBe(false);
    expect(goalMet([at(50, 10), at(200, 250, 1001), at(500, 10)])).toBe(false);
    expect(goalMet([at(50, 10), at(200, 250), at(500, 10, 0, 400)])).toBe(false);
    expect(goalMet([at(10, 10)])).toBe(false);
  });
});
