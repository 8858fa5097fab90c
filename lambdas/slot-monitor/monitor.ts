import type { SqlExecutor } from '../shared/db/sql-client.ts';
import { readSnapshot } from './queries.ts';
import {
  type AssessOptions,
  assess,
  type MetricDatum,
  type RetentionPoint,
  type ServerSnapshot,
  type SlotAssessment,
  toMetrics,
} from './slot-health.ts';

export interface MonitorTick {
  snapshot: ServerSnapshot;
  assessments: SlotAssessment[];
  metrics: MetricDatum[];
}

/**
 * Keeps the short history the forecast needs (retained WAL per slot, and when a slot was first seen inactive
 * on servers without inactive_since). In Lambda it lives in the warm container: a cold start loses it and the
 * next tick publishes no forecast until it has two points (the time-to-cap alarm treats that as not breaching).
 */
export class SlotMonitor {
  private readonly history = new Map<string, RetentionPoint[]>();
  private readonly firstSeenInactive = new Map<string, number>();

  constructor(private readonly options: AssessOptions & { windowMs?: number } = {}) {}

  async tick(sql: SqlExecutor, now: () => number = Date.now): Promise<MonitorTick> {
    const snapshot = await readSnapshot(sql, now);
    return this.observe(snapshot);
  }

  /** Assesses a snapshot read elsewhere and remembers it. */
  observe(snapshot: ServerSnapshot): MonitorTick {
    for (const slot of snapshot.slots) {
      if (slot.active) this.firstSeenInactive.delete(slot.slotName);
      else if (!this.firstSeenInactive.has(slot.slotName))
        this.firstSeenInactive.set(slot.slotName, snapshot.at);
    }
    const assessments = assess(snapshot, this.history, this.firstSeenInactive, this.options);
    const windowMs = this.options.windowMs ?? 5 * 60_000;
    for (const slot of snapshot.slots) {
      const points = (this.history.get(slot.slotName) ?? []).filter((p) => p.at >= snapshot.at - windowMs);
      if (slot.retainedBytes !== null)
        points.push({ at: snapshot.at, retainedBytes: slot.retainedBytes, restartLsn: slot.restartLsn });
      this.history.set(slot.slotName, points);
    }
    return { snapshot, assessments, metrics: toMetrics(snapshot, assessments) };
  }
}
