import { percentile, round } from '../kit/stats.ts';

/** One order's journey; times are wall-clock ms. */
export interface Sample {
  scheduledAt: number;
  committedAt?: number;
  eventId?: string;
  /** When this bench's GetRecords loop saw the record. */
  kinesisSeenAt?: number;
  /** The record's ApproximateArrivalTimestamp (kinesis-local's clock: when PutRecords stored it). */
  kinesisArrivalAt?: number;
  /** The payment queue message's SentTimestamp (when the router's SendMessageBatch stored it). */
  queueSentAt?: number;
  /** When this bench's ReceiveMessage returned it. */
  queueReceivedAt?: number;
}

export interface RateResult {
  target: number;
  achieved: number;
  kinesisP50Ms: number;
  kinesisP99Ms: number;
  appliedP50Ms: number;
  appliedP99Ms: number;
}

export type StageSummary = { p50: number; p90: number; p99: number; max: number; mean: number };

export interface Breakdown {
  /** `200/s`, or `50/s, poll 50 ms` for the what-if run. */
  label: string;
  target: number;
  /** Percentiles in ms per stage (p50, p90, p99, max). */
  stages: Record<string, StageSummary>;
  /** Debezium PutRecords calls seen (distinct arrival timestamps) and their mean size and spacing. */
  sinkBatches: number;
  meanSinkBatch: number;
  meanSinkGapMs: number;
  sent: number;
  committed: number;
  failed: number;
  missingKinesis: number;
  missingQueue: number;
  /** Records/s the stream actually took in (first to last arrival): below the target = a backlog built up. */
  kinesisIngestPerSec: number;
  /** CPU use during the phase and its settling, % of one core, by process. */
  cpuPercent: Record<string, number>;
}

/** Stage names: the report's tables and the findings read them by these keys. */
export const SCHEDULED_TO_COMMIT = 'scheduled → commit (DB + pool queue)';
export const DEBEZIUM = 'commit → Kinesis arrival (Debezium)';
export const ROUTER = 'Kinesis arrival → in payment queue (router)';
export const IN_QUEUE = 'in queue → bench receives it';
export const KINESIS = 'commit → bench reader sees it (kinesis*)';
export const APPLIED = 'commit → bench receives it (applied*)';

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
    [DEBEZIUM]: stage((s) => diff(s.kinesisArrivalAt, s.committedAt)),
    'Kinesis arrival → bench reader sees it': stage((s) => diff(s.kinesisSeenAt, s.kinesisArrivalAt)),
    [KINESIS]: stage((s) => diff(s.kinesisSeenAt, s.committedAt)),
    [ROUTER]: stage((s) => diff(s.queueSentAt, s.kinesisArrivalAt)),
    [IN_QUEUE]: stage((s) => diff(s.queueReceivedAt, s.queueSentAt)),
    [APPLIED]: stage((s) => diff(s.queueReceivedAt, s.committedAt)),
  };
}

export function breakdown(
  label: string,
  target: number,
  samples: Sample[],
  sent: number,
  failed: number,
): Breakdown {
  const arrivals = [
    ...new Set(samples.map((s) => s.kinesisArrivalAt).filter((v): v is number => v !== undefined)),
  ].sort((a, b) => a - b);
  const gaps = arrivals.slice(1).map((a, i) => a - arrivals[i]!);
  return {
    label,
    target,
    stages: stages(samples),
    sinkBatches: arrivals.length,
    meanSinkBatch: round(
      samples.filter((s) => s.kinesisArrivalAt !== undefined).length / (arrivals.length || 1),
    ),
    meanSinkGapMs: round(gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : Number.NaN),
    sent,
    committed: samples.length,
    failed,
    missingKinesis: samples.filter((s) => s.kinesisSeenAt === undefined).length,
    missingQueue: samples.filter((s) => s.queueReceivedAt === undefined).length,
    kinesisIngestPerSec: round(
      arrivals.length > 1
        ? samples.filter((s) => s.kinesisArrivalAt !== undefined).length /
            ((arrivals[arrivals.length - 1]! - arrivals[0]!) / 1000)
        : Number.NaN,
    ),
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
  };
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
