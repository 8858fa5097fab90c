/** A change as read back from the mode's stream, with the time Kinesis accepted it. */
export interface Delivered {
  id: string;
  op: string;
  version: number;
  /** The binlog position number (lambdas/order-view/source-position.ts). */
  position: number;
  arrivedAt: number;
}

/** The per-mode figures. */
export interface ModeMetrics {
  mode: string;
  writeFreezeMs: number;
  probeWriteP99Ms: number;
  cdcPauseMs: number;
  snapshotSeconds: number;
  rowsPerSecond: number;
  duplicates: number;
  consistent: boolean;
  /** Debezium's own "Writes to MySQL tables prevented for a total of …" figure, when it logged one. */
  loggedLockMs: number | null;
  /** The probe session's errors: a probe that died measured nothing after it. */
  probeErrors: string[];
}

/** Longest time inside [from, to] in which no probe change reached the stream. */
export function cdcPauseMs(
  delivered: readonly Delivered[],
  probeId: string,
  from: number,
  to: number,
): number {
  const arrivals = delivered
    .filter((d) => d.id === probeId && d.op === 'u' && d.arrivedAt >= from && d.arrivedAt <= to)
    .map((d) => d.arrivedAt)
    .sort((a, b) => a - b);
  let longest = 0;
  let last = from;
  for (const t of [...arrivals, to]) {
    longest = Math.max(longest, t - last);
    last = t;
  }
  return longest;
}

/** Snapshot reads of a row beyond its first. */
export function duplicates(delivered: readonly Delivered[]): number {
  const reads = delivered.filter((d) => d.op === 'r');
  return reads.length - new Set(reads.map((d) => d.id)).size;
}

/**
 * The view the stream builds (per row, the change with the highest position wins, as OrderView's guard decides)
 * against the source, row by row: every source row present with its version, nothing extra.
 */
export function consistent(delivered: readonly Delivered[], source: ReadonlyMap<string, number>): boolean {
  const view = new Map<string, Delivered>();
  for (const d of delivered) {
    const held = view.get(d.id);
    if (!held || held.position <= d.position) view.set(d.id, d);
  }
  if (view.size !== source.size) return false;
  for (const [id, version] of source)
    if (view.get(id)?.version !== version || view.get(id)?.op === 'd') return false;
  return true;
}

/** `ChangeReader.until`'s `done`: `rows` rows read by the snapshot at least once (the probe row aside). Looks at each change once. */
export function snapshotReadAtLeast(rows: number, probeId: string) {
  const ids = new Set<string>();
  let next = 0;
  return (changes: readonly Delivered[]) => {
    for (; next < changes.length; next++) {
      const change = changes[next];
      if (change?.op === 'r' && change.id !== probeId) ids.add(change.id);
    }
    return ids.size >= rows;
  };
}

/** `ChangeReader.until`'s `done`: a change of row `id` at `version` has arrived. Looks at each change once. */
export function reaches(id: string, version: number) {
  let next = 0;
  let seen = false;
  return (changes: readonly Delivered[]) => {
    for (; next < changes.length && !seen; next++)
      seen = changes[next]?.id === id && changes[next]?.version === version;
    return seen;
  };
}
