import { describe, expect, it } from 'vitest';
import { QUICK } from './plan.ts';
import { type ControlFigures, type MainFigures, metrics, passed } from './verdict.ts';

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
  resnapshotSeconds: 3,
  resnapshotRows: 605,
  resnapshotWalBytes: 4,
  viewDiffAfterRecovery: 0,
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

  it('fails when the primary stopped taking writes or the view still differs', () => {
    expect(passed({ ...main, writesAfterInvalidation: 0 }, control)).toBe(false);
    expect(passed({ ...main, viewDiffAfterRecovery: 1 }, control)).toBe(false);
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
});
