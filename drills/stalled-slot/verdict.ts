import { round } from '../kit/stats.ts';
import { MiB, type Plan, type ResnapshotMode } from './plan.ts';

/** What one recovery mode measured (recovery.ts), as the verdict reads it. */
export interface RecoveryFigures {
  mode: ResnapshotMode;
  resnapshotSeconds: number;
  /** Whether the view caught up at all (else resnapshotSeconds ends where the drill gave up). */
  caughtUp: boolean;
  connectorStreamingSeconds: number;
  resnapshotRows: number;
  resnapshotWalBytes: number;
  writeFreezeMs: number;
  probeWriteP99Ms: number;
  probeWrites: number;
  probeErrors: string[];
  /** Orders whose status or version differ between view and source once the probe stopped (probe included). */
  viewDiff: number;
  /** Records of this recovery the order view quarantined (could not apply), and why. */
  viewQuarantined: number;
  quarantineReasons: string[];
}

/**
 * Freezes this much longer than the other mode's are the probe's own jitter on a shared 2-core machine, not a lock
 * (snapshot-freeze measured lock-free modes at 60–100 ms; a busy machine doubles that).
 */
export const FREEZE_JITTER_MS = 250;

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
  /** One recovery per mode, in the order they ran. */
  recoveries: RecoveryFigures[];
}

export interface ControlFigures {
  disk: 'tmpfs' | 'budget';
  uncappedDiskFull: boolean;
  restartFailed: boolean;
}

/**
 * Which recovery the runbook should use. Incremental when it left the view equal to the source and froze the
 * probe's writes no longer than blocking did (within `FREEZE_JITTER_MS`): it also streams new changes while it
 * reads, where a blocking snapshot holds them back until the whole table is read. Otherwise the consistent mode
 * with the shorter freeze; none when no mode left the view equal to the source.
 */
export function recommendMode(recoveries: readonly RecoveryFigures[]): {
  mode: ResnapshotMode | null;
  reason: string;
} {
  const consistent = recoveries.filter((r) => r.viewDiff === 0 && r.probeErrors.length === 0);
  const incremental = consistent.find((r) => r.mode === 'incremental');
  const blocking = consistent.find((r) => r.mode === 'blocking');
  if (incremental && (!blocking || incremental.writeFreezeMs <= blocking.writeFreezeMs + FREEZE_JITTER_MS))
    return {
      mode: 'incremental',
      reason:
        `incremental left the view equal to the source and froze writes for ${incremental.writeFreezeMs} ms` +
        (blocking
          ? ` (blocking: ${blocking.writeFreezeMs} ms)`
          : ' (blocking did not leave the view consistent)') +
        `, and it streams new changes while it reads instead of after the whole table`,
    };
  const best = [...consistent].sort((a, b) => a.writeFreezeMs - b.writeFreezeMs)[0];
  if (best)
    return {
      mode: best.mode,
      reason: incremental
        ? `incremental froze writes for ${incremental.writeFreezeMs} ms, more than ${best.mode} (${best.writeFreezeMs} ms) beyond the probe's jitter`
        : `only ${best.mode} left the view equal to the source, with a clean probe${whyNot(recoveries, best.mode)}`,
    };
  return { mode: null, reason: 'no mode left the view equal to the source with a clean probe' };
}

/** Why the other modes were not consistent: their diffs, and what the view quarantined. */
function whyNot(recoveries: readonly RecoveryFigures[], chosen: ResnapshotMode): string {
  const others = recoveries
    .filter((r) => r.mode !== chosen)
    .map(
      (r) =>
        `${r.mode}: ${r.viewDiff} orders differ` +
        (r.viewQuarantined > 0
          ? `, ${r.viewQuarantined} records quarantined by the view (${r.quarantineReasons.join('; ')})`
          : '') +
        (r.probeErrors.length > 0 ? `, probe errors: ${r.probeErrors[0]}` : ''),
    );
  return others.length > 0 ? ` (${others.join('; ')})` : '';
}

/**
 * Passes when the page came before the invalidation, the slot was invalidated before the disk filled, the primary
 * kept taking writes, both re-snapshot modes ran and each left the view equal to the source, one was recommended
 * (the runbook's recovery), and — where a real disk could be mounted — the uncapped control run did fill it.
 */
export function passed(main: MainFigures, control: ControlFigures): boolean {
  const recommended = recommendMode(main.recoveries).mode;
  return (
    main.t1 !== undefined &&
    main.t2 !== undefined &&
    main.t1 < main.t2 &&
    main.invalidatedBeforeFull &&
    main.writesAfterInvalidation > 0 &&
    main.recoveries.length === 2 &&
    main.recoveries.every((r) => r.viewDiff === 0) &&
    recommended !== null &&
    (control.disk === 'budget' || control.uncappedDiskFull)
  );
}

export function metrics(main: MainFigures, control: ControlFigures, plan: Plan) {
  const recommended = recommendMode(main.recoveries);
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
    recoveryModes: main.recoveries.map((r) => ({
      mode: r.mode,
      resnapshotSeconds: r.resnapshotSeconds,
      caughtUp: r.caughtUp,
      connectorStreamingSeconds: r.connectorStreamingSeconds,
      resnapshotRows: r.resnapshotRows,
      resnapshotWalBytes: r.resnapshotWalBytes,
      writeFreezeMs: r.writeFreezeMs,
      probeWriteP99Ms: r.probeWriteP99Ms,
      probeWrites: r.probeWrites,
      viewDiff: r.viewDiff,
      viewQuarantined: r.viewQuarantined,
      quarantineReasons: r.quarantineReasons,
    })),
    recommendedMode: recommended.mode,
    recommendedReason: recommended.reason,
    // The recommended mode's (the runbook's recovery); each mode's own is in recoveryModes.
    viewDiffAfterRecovery: main.recoveries.find((r) => r.mode === recommended.mode)?.viewDiff ?? null,
    uncappedDiskFull: control.uncappedDiskFull,
    uncappedRestartFailed: control.restartFailed,
  };
}
