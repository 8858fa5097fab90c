import { Duration } from 'aws-cdk-lib';
import { config } from './config.ts';

/**
 * Every on-call threshold in one place, each with the reason for its number. The slot thresholds are fractions
 * of `max_slot_wal_keep_size` (config.maxSlotWalKeepSizeMb), so raising the cap moves them with it.
 *
 * Published anchors (see /docs/runbooks/slot-lag.md): Crunchy pgMonitor warns at 70 % and pages at 85 % disk
 * and fires when the disk is forecast to fill within 4 h; Qonto warns when safe_wal_size is under 20 % of the
 * cap for 5 min and when a logical slot is inactive 10 min; GitLab pages at 100 GiB unconfirmed WAL. Our cap is
 * 1 GiB, so GitLab's absolute number can never be reached here: the cap does that job, and the fractions below
 * decide how early a human hears about it.
 */
export interface AlarmThresholds {
  /** Retained WAL as a fraction of the cap that warns. 0.70: pgMonitor's disk warning level. */
  retainedWarnFraction: number;
  /** Retained WAL as a fraction of the cap that pages. 0.85: pgMonitor's critical level; it is also past
   *  Qonto's "safe_wal_size < 20 % of the cap". At 85 % a human still has 15 % of the cap (≈150 MB) to act. */
  retainedPageFraction: number;
  /** Pages when the forecast says the slot reaches the cap sooner than this. 4 h: pgMonitor's fill forecast —
   *  long enough to fix a consumer in working hours, short enough that a steady leak is caught early. */
  timeToCap: Duration;
  /** Pages when a slot has had no consumer for this long. 10 min: Qonto's inactive-slot rule; a Fargate task
   *  restart (≈1–2 min) never trips it, a crashed-and-not-restarting task does. */
  slotInactive: Duration;
  /** Warns when the oldest transaction is this old. 15 min: pgMonitor's idle-in-transaction critical level;
   *  a transaction that long pins restart_lsn for every slot (see the long-txn drill). */
  oldestTransaction: Duration;
  /** Pages when RDS free storage falls below this fraction of the allocated storage. 0.15: pgMonitor's 85 %
   *  critical disk level (storage autoscaling may still add room, but then it is already acting). */
  freeStorageFraction: number;
  /** Pages when the slot monitor has published nothing for this long (it runs every minute). 5 min: a slow or
   *  cold invocation misses a minute, not five; while it is silent every slot alarm is blind (RDS's own
   *  OldestReplicationSlotLag alarm still watches). */
  slotMonitorSilent: Duration;
  /** Pages when a consumer queue's oldest message is older than this. 10 min: a message that has not been
   *  processed after several visibility timeouts (180 s each) is stuck, not slow. */
  queueOldestMessageAge: Duration;
  /** Pages when Kinesis GetRecords.IteratorAgeMilliseconds exceeds this. 5 min: the router is falling behind
   *  the stream (normal is under a second; one retry cycle with bisect stays well below this). */
  iteratorAge: Duration;
  /** Warns when a consumer's p99 end-to-end latency (event occurredAt → side effect) exceeds this. 30 s: the
   *  cdc-latency bench measured commit → Kinesis at 174 ms p99; 30 s means something is retrying or queued. */
  endToEndLatencyP99: Duration;
  /** Pages on any Lambda error or throttle in a minute. 1: handlers report partial batch failures instead of
   *  throwing, so an invocation error means a crash, a timeout or a failed cold start — never normal traffic. */
  functionErrors: number;
  /** Pages when a consumer's circuit breaker has been open this long. 1 min: the breaker opens within seconds
   *  of an outage, so on-call hears about the outage itself, not its symptoms (queue age, DLQ) hours later. */
  dependencyDown: Duration;
  /** Pages when orders stay stuck (pending past the reconcile deadline) this long without the count ever
   *  reaching zero. 15 min: three reconciler re-drives; an outage that ends by itself drains well inside it. */
  reconcileNotDraining: Duration;
}

export const alarmThresholds: AlarmThresholds = {
  retainedWarnFraction: 0.7,
  retainedPageFraction: 0.85,
  timeToCap: Duration.hours(4),
  slotInactive: Duration.minutes(10),
  oldestTransaction: Duration.minutes(15),
  freeStorageFraction: 0.15,
  slotMonitorSilent: Duration.minutes(5),
  queueOldestMessageAge: Duration.minutes(10),
  iteratorAge: Duration.minutes(5),
  endToEndLatencyP99: Duration.seconds(30),
  functionErrors: 1,
  dependencyDown: Duration.minutes(1),
  reconcileNotDraining: Duration.minutes(15),
};

/** The slot cap in bytes, as the monitor publishes it (SlotCapBytes). */
export function capBytes(capMb: number = config.maxSlotWalKeepSizeMb): number {
  return capMb * 1024 * 1024;
}
