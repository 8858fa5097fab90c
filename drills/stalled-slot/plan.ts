import { config } from '../../cdk/lib/config.ts';

export const MiB = 1024 * 1024;
/** The `orders` connector's slot, the one this drill stalls. */
export const SLOT = 'holdline_orders';
export const OFFSET_TABLE = 'cdc.debezium_offset_storage_orders';
/** Log names of the two Postgres servers (files under logDir). */
export const MAIN_PG = 'drill-stalled-slot-postgres';
export const CONTROL_PG = 'drill-stalled-slot-control-postgres';

export interface Plan {
  diskMb: number;
  capMb: number;
  maxWalSizeMb: number;
  /** Ballast rows of ~1 KiB per writer tick (every 100 ms). */
  ballastRowsPerTick: number;
  afterInvalidationMs: number;
  controlDiskMb: number;
  /**
   * Orders written while the connector is down before the second recovery (its slot dropped anew), so that
   * re-snapshot too has rows the view never saw; the first has the stall's.
   */
  gapOrders: number;
}

/**
 * How the recovery re-reads the orders table, both measured in every run:
 * - `blocking`: no offsets, `snapshot.mode=when_needed` (the template's) snapshots the table before streaming;
 * - `incremental`: no offsets, `snapshot.mode=no_data` streams at once, and an `execute-snapshot` signal of type
 *   `incremental` re-reads the table in primary-key chunks beside the stream.
 */
export const RESNAPSHOT_MODES = ['blocking', 'incremental'] as const;
export type ResnapshotMode = (typeof RESNAPSHOT_MODES)[number];

/**
 * Quick run: a cap of 192 MB fills in about a minute at ~3.5 MB/s, so the time-to-cap forecast (which starts once
 * restart_lsn has stood still for 30 s, see slot-health.ts) has room to page well before the invalidation.
 */
export const QUICK: Plan = {
  diskMb: 448,
  capMb: 192,
  maxWalSizeMb: 48,
  ballastRowsPerTick: 350,
  afterInvalidationMs: 5000,
  controlDiskMb: 96,
  gapOrders: 200,
};
/** Full run: the production cap (1 GiB), so the 70 %/85 % retained-WAL alarms take part too. */
export const FULL: Plan = {
  diskMb: 1792,
  capMb: config.maxSlotWalKeepSizeMb,
  maxWalSizeMb: 256,
  ballastRowsPerTick: 1000,
  afterInvalidationMs: 15_000,
  controlDiskMb: 256,
  gapOrders: 1000,
};

/** Bytes as whole MiB for logs and the summary; '–' when unknown. */
export function mb(bytes: number | null): string {
  return bytes === null ? '–' : `${(bytes / MiB).toFixed(0)} MiB`;
}
