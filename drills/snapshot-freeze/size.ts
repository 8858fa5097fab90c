/** How big a run is: the table's rows, and the shards of each mode's stream. */

/** The table sizes: a full run is the 5 M-row table (about 1 GB), quick a small one. */
export const defaultRows = { quick: 1_000, full: 5_000_000 } as const;

/**
 * Shards per stream by default, so Kinesis's per-shard limit (1,000 records/s, enforced by the emulator) is not
 * what times the snapshot: one per 250,000 rows, at most 16 (drills/snapshot-freeze/README.md has the rates).
 */
export const rowsPerShard = 250_000;
export const maxShards = 16;
export const shardsFor = (rows: number): number =>
  Math.min(maxShards, Math.max(1, Math.ceil(rows / rowsPerShard)));
