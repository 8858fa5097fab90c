/**
 * The fault campaign's seeded schedule (pure): which faults, in which order, how long each lasts and how long the
 * pause before it is. Faults on the same part (or on parts that depend on each other) share a lane and run one after
 * another; the lanes run side by side, so faults of different lanes overlap.
 */
export const faultKinds = [
  'postgres-kill',
  'postgres-freeze',
  'debezium-kill',
  'gateway-outage',
  'gateway-hang',
  'lambda-kill',
  'dynamodb-freeze',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/**
 * Full-run durations in ms, [min, max] drawn uniformly (issue 12): Postgres down 30–120 s before it is started again
 * (an RDS reboot or Multi-AZ failover); frozen 60 s; gateway 503 for 3 min; gateway hanging 2 min; DynamoDB frozen
 * 30 s. A Debezium kill and a container kill have no down time of their own: ECS and Lambda start a new one at once
 * (the Debezium restart itself takes its real start-up time, recorded in the report).
 */
export const fullDurationsMs: Record<FaultKind, readonly [number, number]> = {
  'postgres-kill': [30_000, 120_000],
  'postgres-freeze': [60_000, 60_000],
  'debezium-kill': [0, 0],
  'gateway-outage': [180_000, 180_000],
  'gateway-hang': [120_000, 120_000],
  'lambda-kill': [0, 0],
  'dynamodb-freeze': [30_000, 30_000],
};

/** Lanes: Debezium needs Postgres up to start streaming, so it shares Postgres's lane. */
const lanes: ReadonlyArray<readonly FaultKind[]> = [
  ['postgres-kill', 'postgres-freeze', 'debezium-kill'],
  ['gateway-outage', 'gateway-hang'],
  ['lambda-kill', 'dynamodb-freeze', 'lambda-kill', 'lambda-kill'],
];

export interface PlannedFault {
  kind: FaultKind;
  /** Pause after the previous fault of the lane ended (or after the load started, for the first). */
  gapBeforeMs: number;
  durationMs: number;
}

export interface ScheduleOptions {
  seed: number;
  /** The load's length: every lane's planned faults and pauses fit in `fill` of it. */
  windowMs: number;
  /** Durations are multiplied by this (quick mode: 0.25). */
  scale: number;
  /** Share of the window the lanes may fill (the rest is quiet load before the end). Default 0.85. */
  fill?: number;
}

/** mulberry32: a tiny, well-known seeded PRNG; the same seed gives the same campaign, so a failure can be re-run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The lanes of one campaign: each lane's faults in a seeded order, with seeded durations and pauses. */
export function planCampaign(options: ScheduleOptions): PlannedFault[][] {
  const random = seededRandom(options.seed);
  const budget = options.windowMs * (options.fill ?? 0.85);
  return lanes.map((lane) => {
    const order = shuffle(lane, random);
    const durations = order.map((kind) => {
      const [min, max] = fullDurationsMs[kind];
      return Math.round((min + (max - min) * random()) * options.scale);
    });
    const slack = Math.max(0, budget - durations.reduce((a, b) => a + b, 0));
    const weights = order.map(() => 0.2 + random());
    const total = weights.reduce((a, b) => a + b, 0);
    return order.map((kind, i) => ({
      kind,
      gapBeforeMs: Math.round((slack * weights[i]!) / total),
      durationMs: durations[i]!,
    }));
  });
}

/** Fisher–Yates with the given random source; returns a new array. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
