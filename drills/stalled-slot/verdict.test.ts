import { describe, expect, it } from 'vitest';
import { QUICK } from './plan.ts';
import {
  type ControlFigures,
  FREEZE_JITTER_MS,
  type MainFigures,
  metrics,
  passed,
  type RecoveryFigures,
  recommendMode,
} from './verdict.ts';

const recovery = (mode: RecoveryFigures['mode'], writeFreezeMs: number, viewDiff = 0): RecoveryFigures => ({
  mode,
  resnapshotSeconds: 12,
  caughtUp: viewDiff === 0,
  connectorStreamingSeconds: 8,
  resnapshotRows: 605,
  resnapshotWalBytes: 4,
  writeFreezeMs,
  probeWriteP99Ms: 5,
  probeWrites: 900,
  probeErrors: [],
  viewDiff,
  viewQuarantined: viewDiff,
  quarantineReasons: viewDiff > 0 ? ['source.lsn: Invalid input: expected number, received null'] : [],
});

const main: MainFigures = {
  t1: 40,
  t2: 70.25,
  firstAlarm: { alarmName: 'Holdline-slot-holdline_orders-time-to-cap' },
  atAlarm: { retainedBytes: 100, freeBytes: 200 },
  disk: 'tmpfs',
  diskBytes: 448 * 1024 * 1024,
  invalidationReason: 'wal_removed',
  invalidatedBeforeFull: true,
  minFreeBytes: 1,
  peakPgWalBytes: 2,
  writesAfterInvalidation: 30,
  ordersWritten: 600,
  recoveries: [recovery('blocking', 40), recovery('incremental', 45)],
};
const control: ControlFigures = { disk: 'tmpfs', uncappedDiskFull: true, restartFailed: true };

describe('stalled-slot verdict', () => {
  it('passes when the page precedes the invalidation and everything after it held', () => {
    expect(passed(main, control)).toBe(true);
  });

  it('fails when the page came after the invalidation, or never', () => {
    expect(passed({ ...main, t1: 71 }, control)).toBe(false);
    expect(passed({ ...main, t1: undefined, firstAlarm: undefined }, control)).toBe(false);
  });

  it('fails when the primary stopped taking writes, a mode did not run, or no mode left the view equal', () => {
    expect(passed({ ...main, writesAfterInvalidation: 0 }, control)).toBe(false);
    expect(passed({ ...main, recoveries: [recovery('blocking', 40)] }, control)).toBe(false);
    expect(
      passed({ ...main, recoveries: [recovery('blocking', 40, 2), recovery('incremental', 45, 1)] }, control),
    ).toBe(false);
  });

  it('fails when either mode left the view different, which is reported and not recommended', () => {
    const incrementalBroken = {
      ...main,
      recoveries: [recovery('blocking', 40), recovery('incremental', 45, 7)],
    };
    expect(passed(incrementalBroken, control)).toBe(false);
    const m = metrics(incrementalBroken, control, QUICK);
    expect([m.recommendedMode, m.viewDiffAfterRecovery]).toEqual(['blocking', 0]);
    expect(m.recommendedReason).toContain('incremental: 7 orders differ, 7 records quarantined by the view');
  });

  it('needs the control run to fill its disk, unless it only had a budget', () => {
    expect(passed(main, { ...control, uncappedDiskFull: false })).toBe(false);
    expect(passed(main, { disk: 'budget', uncappedDiskFull: false, restartFailed: false })).toBe(true);
  });

  it('reports the warning lead and the cap in bytes', () => {
    const m = metrics(main, control, QUICK);
    expect([m.alarmLeadSeconds, m.capBytes, m.firstAlarm]).toEqual([
      30.3,
      192 * 1024 * 1024,
      'Holdline-slot-holdline_orders-time-to-cap',
    ]);
    expect(metrics({ ...main, t1: undefined }, control, QUICK).alarmLeadSeconds).toBeNull();
  });

  it("reports each mode's figures and the recommended mode's diffs", () => {
    const m = metrics(
      { ...main, recoveries: [recovery('blocking', 40, 1), recovery('incremental', 45, 2)] },
      control,
      QUICK,
    );
    expect(m.recoveryModes.map((r) => [r.mode, r.writeFreezeMs, r.viewDiff])).toEqual([
      ['blocking', 40, 1],
      ['incremental', 45, 2],
    ]);
    expect(m.viewDiffAfterRecovery).toBeNull();
    expect(metrics(main, control, QUICK)).toMatchObject({
      recommendedMode: 'incremental',
      viewDiffAfterRecovery: 0,
    });
  });
});

describe('recommendMode', () => {
  it('picks incremental when it is consistent and freezes no longer than blocking, jitter allowed', () => {
    const within = recommendMode([recovery('blocking', 40), recovery('incremental', 40 + FREEZE_JITTER_MS)]);
    expect(within.mode).toBe('incremental');
    expect(within.reason).toContain(`froze writes for ${40 + FREEZE_JITTER_MS} ms (blocking: 40 ms)`);
  });

  it('picks blocking when incremental froze writes for longer than the jitter explains', () => {
    const { mode, reason } = recommendMode([
      recovery('blocking', 40),
      recovery('incremental', 41 + FREEZE_JITTER_MS),
    ]);
    expect(mode).toBe('blocking');
    expect(reason).toContain('more than blocking');
  });

  it('never picks a mode that left the view different or whose probe failed', () => {
    expect(recommendMode([recovery('blocking', 40), recovery('incremental', 10, 3)]).mode).toBe('blocking');
    expect(
      recommendMode([recovery('blocking', 40), { ...recovery('incremental', 10), probeErrors: ['boom'] }])
        .mode,
    ).toBe('blocking');
    expect(recommendMode([recovery('blocking', 40, 1), recovery('incremental', 10, 1)])).toEqual({
      mode: null,
      reason: 'no mode left the view equal to the source with a clean probe',
    });
  });
});
