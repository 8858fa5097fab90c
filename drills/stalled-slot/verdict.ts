import { round } from '../kit/stats.ts';
import { MiB, type Plan } from './plan.ts';

/** What the capped run measured (the figures the verdict and the metrics read). */
export interface MainFigures {
  /** Seconds after the stall: the first page on the slot (T1) and the slot's invalidation (T2). */
  t1: number | undefined;
  t2: number | undefined;
  firstAlarm: { alarmName: string } | undefined;
  atAlarm: { retainedBytes: number | null; freeBytes: number } | undefined;
  disk: 'tmpfs' | 'budget';
  diskBytes: number;
  invalidationReason: string | null;
  invalidatedBeforeFull: boolean;
  minFreeBytes: number;
  peakPgWalBytes: number;
  writesAfterInvalidation: number;
  ordersWritten: number;
  resnapshotSeconds: number;
  resnapshotRows: number;
  resnapshotWalBytes: number;
  viewDiffAfterRecovery: number;
}

export interface ControlFigures {
  disk: 'tmpfs' | 'budget';
  uncappedDiskFull: boolean;
  restartFailed: boolean;
}

/**
 * Passes when the page came before the invalidation, the slot was invalidated before the disk filled, the primary
 * kept taking writes, the view equals the source after the re-snapshot, and — where a real disk could be mounted —
 * the uncapped control run did fill it.
 */
export function passed(main: MainFigures, control: ControlFigures): boolean {
  return (
    main.t1 !== undefined &&
    main.t2 !== undefined &&
    main.t1 < main.t2 &&
    main.invalidatedBeforeFull &&
    main.writesAfterInvalidation > 0 &&
    main.viewDiffAfterRecovery === 0 &&
    (control.disk === 'budget' || control.uncappedDiskFull)
  );
}

export function metrics(main: MainFigures, control: ControlFigures, plan: Plan) {
  return {
    alarmLeadSeconds: main.t1 !== undefined && main.t2 !== undefined ? round(main.t2 - main.t1) : null,
    firstAlarm: main.firstAlarm?.alarmName ?? null,
    capBytes: plan.capMb * MiB,
    diskBytes: main.diskBytes,
    disk: main.disk,
    retainedAtAlarmBytes: main.atAlarm?.retainedBytes ?? null,
    freeDiskAtAlarmBytes: main.atAlarm?.freeBytes ?? null,
    invalidatedAtSeconds: main.t2 ?? null,
    invalidationReason: main.invalidationReason,
    invalidatedBeforeFull: main.invalidatedBeforeFull,
    minFreeDiskBytes: main.minFreeBytes,
    peakPgWalBytes: main.peakPgWalBytes,
    writesAfterInvalidation: main.writesAfterInvalidation,
    ordersWritten: main.ordersWritten,
    resnapshotSeconds: main.resnapshotSeconds,
    resnapshotRows: main.resnapshotRows,
    resnapshotWalBytes: main.resnapshotWalBytes,
    viewDiffAfterRecovery: main.viewDiffAfterRecovery,
    uncappedDiskFull: control.uncappedDiskFull,
    uncappedRestartFailed: control.restartFailed,
  };
}
