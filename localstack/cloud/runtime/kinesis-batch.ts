import { type BatchOutcome, readBatchResponse } from './batch-response.ts';

/** A slice of a shard batch on its way through retries and bisection. */
export interface Work<R> {
  records: readonly R[];
  /** Retry attempts this slice has consumed (bisection consumes none). */
  retries: number;
  /** Invocations that included these records, for the on-failure record's approximateInvokeCount. */
  invokes: number;
}

export interface FailurePolicy {
  bisect: boolean;
  /** MaximumRetryAttempts; −1 = until the records expire. */
  maxRetries: number;
}

/** What follows a failed invocation of `work`. */
export interface AfterFailure<R> {
  /** Leading records that succeeded: checkpoint past them. */
  completed: readonly R[];
  /** Slices to invoke next, in shard order, before anything later in the shard. */
  next: Work<R>[];
  /** Records given up on (retries exhausted): report to the on-failure destination and checkpoint past them. */
  discarded?: Work<R>;
}

/**
 * Where a Kinesis batch failed, by index: undefined = it succeeded; 0 = the whole batch failed (a function error,
 * or a response that fails the whole batch); i > 0 = records before i succeeded — with
 * ReportBatchItemFailures Lambda checkpoints just before the LOWEST reported sequence number.
 */
export function failedFrom(
  sequenceNumbers: readonly string[],
  outcome: BatchOutcome,
  reportBatchItemFailures: boolean,
): number | undefined {
  if (!outcome.ok) return 0;
  if (!reportBatchItemFailures) return undefined;
  const verdict = readBatchResponse(outcome.payload, sequenceNumbers);
  if (verdict.kind === 'all-succeeded') return undefined;
  if (verdict.kind === 'all-failed') return 0;
  const lowest = verdict.failed.reduce((a, b) => (BigInt(a) <= BigInt(b) ? a : b));
  return sequenceNumbers.indexOf(lowest);
}

/**
 * Lambda's stream error handling for one failed invocation:
 * - records before `failedIndex` are done (checkpointed);
 * - if that was progress (index > 0) the rest is retried: with BisectBatchOnFunctionError this is the split "at the
 *   returned sequence number" and consumes no retry; without, it consumes one;
 * - if nothing succeeded: bisect splits a batch of two or more in halves without consuming a retry; otherwise the
 *   batch is retried while retries remain (−1 = forever), and discarded once they are exhausted.
 */
export function afterFailure<R>(work: Work<R>, failedIndex: number, policy: FailurePolicy): AfterFailure<R> {
  const completed = work.records.slice(0, failedIndex);
  const rest = work.records.slice(failedIndex);
  const canRetry = policy.maxRetries < 0 || work.retries < policy.maxRetries;
  if (failedIndex > 0 && policy.bisect) {
    return { completed, next: [{ ...work, records: rest }] };
  }
  if (failedIndex === 0 && policy.bisect && rest.length > 1) {
    const half = Math.ceil(rest.length / 2);
    return {
      completed,
      next: [
        { ...work, records: rest.slice(0, half) },
        { ...work, records: rest.slice(half) },
      ],
    };
  }
  if (canRetry) return { completed, next: [{ ...work, records: rest, retries: work.retries + 1 }] };
  return { completed, next: [], discarded: { ...work, records: rest } };
}

/**
 * Splits off the records older than MaximumRecordAgeInSeconds (−1 = no limit). A shard is in arrival order, so
 * the expired records are a prefix.
 */
export function splitExpired<R>(
  records: readonly R[],
  maxAgeSec: number,
  nowMs: number,
  arrivalMs: (record: R) => number,
): { expired: R[]; fresh: R[] } {
  if (maxAgeSec < 0) return { expired: [], fresh: [...records] };
  const firstFresh = records.findIndex((record) => nowMs - arrivalMs(record) <= maxAgeSec * 1000);
  const cut = firstFresh === -1 ? records.length : firstFresh;
  return { expired: records.slice(0, cut), fresh: records.slice(cut) };
}

/** Pause before retrying a slice that has consumed `retries` attempts: 100 ms doubling, at most 5 s. */
export function retryDelayMs(retries: number): number {
  return Math.min(5000, 100 * 2 ** Math.max(0, retries - 1));
}
