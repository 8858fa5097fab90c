/** How big a bulk-flurry run is. */
export interface FlurryPlan {
  /** Customers the migration updates, in one transaction, once marked and once unmarked. */
  rows: number;
  /** Orders per second through the order pipeline for the whole run. */
  ordersPerSecond: number;
  /** Seconds of load before the first "before" window: the order consumers' cold starts stay out of it. */
  warmSeconds: number;
  /** Calm seconds before each migration: the "before" window of that mode's order latency. */
  beforeSeconds: number;
  /** The longest a flurry band may last: the router must have routed the migration by then. */
  maxBandSeconds: number;
  /** After the last band: more calm load, then how long the orders may take to settle. */
  tailSeconds: number;
  settleSeconds: number;
}

/** The figures: 1 million rows under 20 orders/s. */
export const fullPlan: FlurryPlan = {
  rows: 1_000_000,
  ordersPerSecond: 20,
  warmSeconds: 10,
  beforeSeconds: 30,
  maxBandSeconds: 4 * 3600,
  tailSeconds: 30,
  settleSeconds: 120,
};

/**
 * `npm test`: 1,000 rows and 5 orders/s, not the 50,000 and 20/s (README.md, "Quick mode"): the local
 * change router routed a throttled change at 31–87/s, so 50,000 rows would keep one quick run busy for 10 to 30
 * minutes, and on 2 shared cores the local order pipeline fell behind 10/s beside three Debezium JVMs.
 */
export const quickPlan: FlurryPlan = {
  rows: 1_000,
  ordersPerSecond: 5,
  warmSeconds: 5,
  beforeSeconds: 10,
  maxBandSeconds: 120,
  tailSeconds: 5,
  settleSeconds: 30,
};

/** The two ways the migration runs, in this order. */
export const modes = ['marked', 'unmarked'] as const;
export type Mode = (typeof modes)[number];

/** The customer the drill's orders are placed for. */
export const ORDER_CUSTOMER = 'bulk-flurry';
/** The migration's name in its bulk marker (and so in the summary event). */
export const MIGRATION = 'bulk_flurry_rename_customers';
/** The goal: the order p99 during a flurry stays within this multiple of the p99 before it. */
export const GOAL_RATIO = 2;
