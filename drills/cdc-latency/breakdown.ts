import { percentile, round } from '../kit/stats.ts';

/** One order's journey; times are wall-clock ms on this machine. */
export interface Sample {
  scheduledAt: number;
  committedAt?: number;
  eventId?: string;
  /** When this bench's GetRecords loop saw the record. */
  kinesisSeenAt?: number;
  /**
   * The record's ApproximateArrivalTimestamp. Evidence only: ferrokinesis 0.7.0 truncates it to whole seconds
   * (`put_records.rs`: `(now / 1000) as f64`), so the hops are timed from `kinesisSeenAt` instead.
   */
  kinesisArrivalAt?: number;
  /** The payment queue message's SentTimestamp (when the router's SendMessageBatch stored it). */
  queueSentAt?: number;
  /** When the local runtime's poller received it for the payment consumer. */
  consumerReceivedAt?: number;
  /** The order row's `updated_at` once it left `pending` (Postgres clock: start of the consumer's confirm tx). */
  appliedAt?: number;
  /** `confirmed` or `payment_failed`: the status the consumer moved the order to. */
  appliedStatus?: string;
}

export interface RateResult {
  target: number;
  achieved: number;
  kinesisP50Ms: number;
  kinesisP99Ms: number;
  appliedP50Ms: number;
  appliedP99Ms: number;
  /** Orders applied per second, first commit to last apply: below the target = a backlog grew. */
  appliedPerSec: number;
  /** Orders not applied when settling gave up. */
  notApplied: number;
}

export type StageSummary = { p50: number; p90: number; p99: number; max: number; mean: number };

export interface Breakdown {
  /** `200/s`. */
  label: string;
  target: number;
  /** Percentiles in ms per stage (p50, p90, p99, max). */
  stages: Record<string, StageSummary>;
  sent: number;
  committed: number;
  failed: number;
  missingKinesis: number;
  missingQueue: number;
  missingApplied: number;
  /** Records/s the bench's reader saw (first to last sighting): below the target = a backlog built up. */
  kinesisIngestPerSec: number;
  /** Orders applied per second, first commit to last apply. */
  appliedPerSec: number;
  /** CPU use during the phase and its settling, % of one core, by process. */
  cpuPercent: Record<string, number>;
}

/** Stage names: the report's tables and the findings read them by these keys. */
export const SCHEDULED_TO_COMMIT = 'scheduled → commit (DB + pool queue)';
export const ROUTER = 'bench reader sees it → router send (router)';
export const IN_QUEUE = 'router send → consumer receives (queue + poller)';
export const CONSUMER = 'consumer receives → confirmed (payment consumer)';
export const KINESIS = 'commit → bench reader sees it in Kinesis (Debezium)';
export const APPLIED = 'commit → confirmed (applied)';

/** The hops in path order, for the per-hop table and chart. */
export const HOPS = [KINESIS, ROUTER, IN_QUEUE, CONSUMER] as const;

export function summarize(values: number[]): StageSummary {
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
  return {
    p50: round(percentile(values, 50)),
    p90: round(percentile(values, 90)),
    p99: round(percentile(values, 99)),
    max: round(percentile(values, 100)),
    mean: round(mean),
  };
}

/** The stages of one phase, from its samples' timestamps (a stage skips samples missing either end). */
function stages(samples: Sample[]): Record<string, StageSummary> {
  const stage = (pick: (s: Sample) => number | undefined) =>
    summarize(samples.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v)));
  const diff = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : a - b;
  return {
    [SCHEDULED_TO_COMMIT]: stage((s) => diff(s.committedAt, s.scheduledAt)),
    [KINESIS]: stage((s) => diff(s.kinesisSeenAt, s.committedAt)),
    [ROUTER]: stage((s) => diff(s.queueSentAt, s.kinesisSeenAt)),
    [IN_QUEUE]: stage((s) => diff(s.consumerReceivedAt, s.queueSentAt)),
    [CONSUMER]: stage((s) => diff(s.appliedAt, s.consumerReceivedAt)),
    [APPLIED]: stage((s) => diff(s.appliedAt, s.committedAt)),
  };
}

export function breakdown(
  label: string,
  target: number,
  samples: Sample[],
  sent: number,
  failed: number,
): Breakdown {
  const seen = samples.map((s) => s.kinesisSeenAt).filter((v): v is number => v !== undefined);
  return {
    label,
    target,
    stages: stages(samples),
    sent,
    committed: samples.length,
    failed,
    missingKinesis: samples.filter((s) => s.kinesisSeenAt === undefined).length,
    missingQueue: samples.filter((s) => s.consumerReceivedAt === undefined).length,
    missingApplied: samples.filter((s) => s.appliedAt === undefined).length,
    appliedPerSec: appliedPerSec(samples),
    kinesisIngestPerSec: perSec(seen.length, seen),
    cpuPercent: {},
  };
}

/** The headline figures of one phase: achieved rate and the two end-to-end stages' p50/p99. */
export function rateResult(b: Breakdown, windowMs: number): RateResult {
  const kinesis = b.stages[KINESIS]!;
  const applied = b.stages[APPLIED]!;
  return {
    target: b.target,
    achieved: round(b.committed / (windowMs / 1000)),
    kinesisP50Ms: kinesis.p50,
    kinesisP99Ms: kinesis.p99,
    appliedP50Ms: applied.p50,
    appliedP99Ms: applied.p99,
    appliedPerSec: b.appliedPerSec,
    notApplied: b.missingApplied,
  };
}

/** Applied orders per second from the first commit to the last apply (NaN for fewer than two). */
function appliedPerSec(samples: Sample[]): number {
  const commits = samples.map((s) => s.committedAt).filter((v): v is number => v !== undefined);
  const applied = samples.map((s) => s.appliedAt).filter((v): v is number => v !== undefined);
  if (commits.length === 0) return Number.NaN;
  return perSec(applied.length, [...commits, ...applied]);
}

/** `count` per second over the span of `times` (NaN for fewer than two). */
function perSec(count: number, times: number[]): number {
  if (times.length < 2) return Number.NaN;
  const first = times.reduce((a, b) => Math.min(a, b));
  const last = times.reduce((a, b) => Math.max(a, b));
  return round(count / ((last - first) / 1000));
}

/** CPU % of one core per process over `elapsedSeconds`, from two cumulative CPU-second readings. */
export function cpuPercent(
  before: Record<string, number>,
  after: Record<string, number>,
  elapsedSeconds: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, secs] of Object.entries(after))
    out[name] = Math.round((100 * (secs - (before[name] ?? 0))) / elapsedSeconds);
  return out;
}
