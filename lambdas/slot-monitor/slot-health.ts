/**
 * The slot monitor's pure core: from one snapshot of the server (and the samples before it) it computes the
 * growth rate, the time until a slot reaches `max_slot_wal_keep_size`, and why WAL is retained — a stalled
 * consumer or a long transaction. No database, no AWS: `queries.ts` reads the snapshot, `handler.ts` publishes.
 */

/** One row of `pg_replication_slots`, with the byte distances already computed by Postgres. */
export interface SlotRow {
  slotName: string;
  active: boolean;
  /** `reserved` | `extended` | `unreserved` | `lost` (null for a slot that never reserved WAL). */
  walStatus: string | null;
  /** Bytes that can still be written before the slot is in danger of becoming lost; null when lost or uncapped. */
  safeWalSizeBytes: number | null;
  /** pg_current_wal_lsn() − restart_lsn: what the slot pins in pg_wal. Null once invalidated. */
  retainedBytes: number | null;
  /** pg_current_wal_lsn() − confirmed_flush_lsn: what the consumer has not confirmed yet. */
  consumerLagBytes: number | null;
  restartLsn: string | null;
  confirmedFlushLsn: string | null;
  /** PG 17+: when the slot became inactive. */
  inactiveSince: Date | null;
  /** PG 17+: `wal_removed`, `rows_removed`, `wal_level_insufficient` (18: `idle_timeout`). */
  invalidationReason: string | null;
}

/** The oldest open transaction of a client backend other than the monitor itself (from pg_stat_activity). */
export interface OldestTransaction {
  pid: number;
  ageSeconds: number;
  state: string | null;
  /** True when it holds a transaction id (it wrote something): only those hold back logical decoding. */
  holdsXid: boolean;
  query: string | null;
}

export interface ServerSnapshot {
  /** Epoch ms when the snapshot was read. */
  at: number;
  serverVersionNum: number;
  /** max_slot_wal_keep_size in bytes; null when −1 (unlimited). */
  capBytes: number | null;
  /** Actual size of pg_wal (sum of pg_ls_waldir()); null where the function is not allowed (Aurora). */
  pgWalBytes: number | null;
  oldestTransaction: OldestTransaction | null;
  slots: SlotRow[];
}

/** Why a slot retains WAL. */
export type RetentionCause =
  | 'healthy'
  | 'stalled-consumer'
  | 'long-transaction'
  | 'invalidated'
  | 'retained-unexplained';

export interface SlotAssessment {
  slotName: string;
  retainedBytes: number | null;
  consumerLagBytes: number | null;
  safeWalSizeBytes: number | null;
  /** Growth of retained WAL, bytes per second (least squares over the window); null with < 2 samples. */
  growthBytesPerSecond: number | null;
  /** Seconds until retained WAL reaches the cap at the current rate; `NOT_GROWING_SECONDS` when flat or shrinking. */
  timeToCapSeconds: number | null;
  inactiveSeconds: number;
  lost: boolean;
  unreserved: boolean;
  cause: RetentionCause;
  /** One sentence for the log and the runbook. */
  explanation: string;
}

/**
 * Reported when nothing pins WAL for long enough to forecast (see `assess`), or retained WAL is flat or shrinking:
 * "not within a week" keeps the LessThan alarm quiet.
 */
export const NOT_GROWING_SECONDS = 7 * 24 * 3600;

export interface AssessOptions {
  /** Retained WAL below this is healthy, whatever the cause. Default 64 MiB (four 16 MiB segments). */
  concernBytes?: number;
  /** Samples older than this are ignored by the growth fit. Default 5 minutes. */
  windowMs?: number;
  /**
   * A forecast needs restart_lsn to have stood still this long. Default 30 s: three Debezium heartbeats (10 s). A
   * healthy slot's restart_lsn moves on every confirmation, so its retained WAL only saw-tooths (climbs by WAL
   * rate × heartbeat, then drops) — a fit over that would forecast a cap that never comes; the stalled-slot drill
   * paged falsely on the healthy outbox slot before this rule. Stalled consumers and long transactions both hold
   * restart_lsn, so they are forecast after this span.
   */
  minPinnedMs?: number;
}

const DEFAULTS: Required<AssessOptions> = {
  concernBytes: 64 * 1024 * 1024,
  windowMs: 5 * 60_000,
  minPinnedMs: 30_000,
};

/** A retained-WAL observation of one slot. */
export interface RetentionPoint {
  at: number;
  retainedBytes: number;
  /** The slot's restart_lsn at that moment: the fit uses only the points since it last moved. */
  restartLsn?: string | null;
}

/** Least-squares slope of retained bytes over time, in bytes per second; null with fewer than two points. */
export function growthRate(points: readonly RetentionPoint[]): number | null {
  if (points.length < 2) return null;
  const t0 = points[0]!.at;
  const xs = points.map((p) => (p.at - t0) / 1000);
  const ys = points.map((p) => p.retainedBytes);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

/**
 * Seconds until the slot's retained WAL reaches the cap. Headroom is `safe_wal_size` when Postgres reports it
 * (it accounts for the checkpoint segment), else cap − retained. Already past the cap → 0.
 */
export function timeToCap(
  capBytes: number | null,
  retainedBytes: number | null,
  safeWalSizeBytes: number | null,
  bytesPerSecond: number | null,
): number | null {
  if (capBytes === null || retainedBytes === null || bytesPerSecond === null) return null;
  const headroom = safeWalSizeBytes ?? capBytes - retainedBytes;
  if (headroom <= 0) return 0;
  if (bytesPerSecond <= 0) return NOT_GROWING_SECONDS;
  return Math.min(NOT_GROWING_SECONDS, headroom / bytesPerSecond);
}

/**
 * Stalled consumer or long transaction? A stalled consumer stops confirming: consumer lag ≈ retained WAL. A
 * consumer that keeps confirming while restart_lsn stays behind is waiting for the oldest in-progress
 * transaction to commit (decoding must restart from it): consumer lag ≪ retained WAL, and pg_stat_activity
 * shows an old transaction holding an xid.
 */
export function classify(
  slot: SlotRow,
  oldest: OldestTransaction | null,
  concernBytes: number,
): { cause: RetentionCause; explanation: string } {
  const lost = slot.walStatus === 'lost' || slot.invalidationReason !== null;
  if (lost)
    return {
      cause: 'invalidated',
      explanation: `slot ${slot.slotName} is invalidated (${slot.invalidationReason ?? slot.walStatus}): drop it and re-snapshot`,
    };
  const retained = slot.retainedBytes ?? 0;
  if (retained < concernBytes)
    return { cause: 'healthy', explanation: `slot ${slot.slotName} retains ${mib(retained)}` };
  const lag = slot.consumerLagBytes ?? retained;
  if (lag >= retained / 2) {
    const how = slot.active ? 'connected but not confirming' : 'disconnected (no walsender holds the slot)';
    return {
      cause: 'stalled-consumer',
      explanation: `slot ${slot.slotName}: the consumer is ${how}; ${mib(lag)} of ${mib(retained)} retained is unconfirmed`,
    };
  }
  if (oldest?.holdsXid)
    return {
      cause: 'long-transaction',
      explanation: `slot ${slot.slotName}: the consumer confirms (lag ${mib(lag)}) but restart_lsn waits for transaction pid ${oldest.pid} open ${Math.round(oldest.ageSeconds)} s (${oldest.state ?? 'unknown state'})`,
    };
  return {
    cause: 'retained-unexplained',
    explanation: `slot ${slot.slotName}: consumer lag ${mib(lag)} but ${mib(retained)} retained and no open transaction holds an xid (check pg_prepared_xacts)`,
  };
}

/**
 * Assesses every slot of the snapshot. `history` holds earlier retained-WAL points per slot (the caller keeps
 * them); `firstSeenInactive` stands in for inactive_since before PG 17.
 */
export function assess(
  snapshot: ServerSnapshot,
  history: ReadonlyMap<string, readonly RetentionPoint[]>,
  firstSeenInactive: ReadonlyMap<string, number>,
  options: AssessOptions = {},
): SlotAssessment[] {
  const { concernBytes, windowMs, minPinnedMs } = { ...DEFAULTS, ...options };
  return snapshot.slots.map((slot) => {
    const past = (history.get(slot.slotName) ?? []).filter((p) => p.at >= snapshot.at - windowMs);
    // Only the run of points since restart_lsn last moved: what is pinned now, and for how long.
    let from = past.length;
    while (from > 0 && past[from - 1]?.restartLsn === slot.restartLsn) from--;
    const pinned =
      slot.retainedBytes === null
        ? []
        : [...past.slice(from), { at: snapshot.at, retainedBytes: slot.retainedBytes }];
    const pinnedMs = pinned.length > 0 ? snapshot.at - (pinned[0]?.at ?? snapshot.at) : 0;
    const rate = growthRate(pinned);
    const inactiveFrom = slot.active
      ? null
      : (slot.inactiveSince?.getTime() ?? firstSeenInactive.get(slot.slotName) ?? snapshot.at);
    const { cause, explanation } = classify(slot, snapshot.oldestTransaction, concernBytes);
    return {
      slotName: slot.slotName,
      retainedBytes: slot.retainedBytes,
      consumerLagBytes: slot.consumerLagBytes,
      safeWalSizeBytes: slot.safeWalSizeBytes,
      growthBytesPerSecond: rate,
      timeToCapSeconds:
        snapshot.capBytes !== null && slot.retainedBytes !== null && pinnedMs < minPinnedMs
          ? NOT_GROWING_SECONDS
          : timeToCap(snapshot.capBytes, slot.retainedBytes, slot.safeWalSizeBytes, rate),
      inactiveSeconds: inactiveFrom === null ? 0 : Math.max(0, (snapshot.at - inactiveFrom) / 1000),
      lost: cause === 'invalidated',
      unreserved: slot.walStatus === 'unreserved',
      cause,
      explanation,
    };
  });
}

/** A CloudWatch datum in the agreed `Holdline` namespace. */
export interface MetricDatum {
  name: string;
  value: number;
  unit: 'Bytes' | 'Seconds' | 'Count';
  slotName?: string;
}

/** The agreed metric names (see the common brief); a value that is unknown is not published at all. */
export function toMetrics(snapshot: ServerSnapshot, assessments: readonly SlotAssessment[]): MetricDatum[] {
  const data: MetricDatum[] = [];
  const push = (name: string, value: number | null, unit: MetricDatum['unit'], slotName?: string) => {
    if (value !== null && Number.isFinite(value))
      data.push({ name, value, unit, ...(slotName ? { slotName } : {}) });
  };
  push('SlotCapBytes', snapshot.capBytes, 'Bytes');
  push('PgWalBytes', snapshot.pgWalBytes, 'Bytes');
  push('OldestTransactionAgeSeconds', snapshot.oldestTransaction?.ageSeconds ?? 0, 'Seconds');
  for (const a of assessments) {
    push('SlotRetainedWalBytes', a.retainedBytes, 'Bytes', a.slotName);
    push('SlotConsumerLagBytes', a.consumerLagBytes, 'Bytes', a.slotName);
    push('SlotSafeWalSizeBytes', a.safeWalSizeBytes, 'Bytes', a.slotName);
    push('SlotTimeToCapSeconds', a.timeToCapSeconds, 'Seconds', a.slotName);
    push('SlotInactiveSeconds', a.inactiveSeconds, 'Seconds', a.slotName);
    push('SlotWalStatusLost', a.lost ? 1 : 0, 'Count', a.slotName);
    push('SlotWalStatusUnreserved', a.unreserved ? 1 : 0, 'Count', a.slotName);
  }
  return data;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
