import {
  describeFailure,
  isConnectionFailure,
  isDependencyUnavailable,
} from '../shared/dependency-failure.ts';
import { ConsumerError } from './errors.ts';

/**
 * What a consumer does with a message whose processing failed. Pure: no AWS, no clock, no randomness of its own.
 * Failures are told apart by cause:
 *
 * - **permanent** (malformed, unknown type, oversize, a 4xx from the gateway): quarantined on the spot; retrying
 *   cannot help, and every retry would hold the message's group back.
 * - **dependency**: the dependency could not be reached at all (refused, reset, a timeout, DNS — always), or it
 *   answered 5xx/429/throttling while the consumer has no evidence it serves other messages
 *   (`dependency-failure.ts`): an outage, not the message's fault. Retried with a
 *   backoff that grows to minutes, for as long as the outage budget (default 6 h since the message was sent)
 *   lasts; it never spends the message's own attempts.
 * - **message** (anything else, or a dependency error while other messages succeed — the gateway always refusing
 *   this one order): retried with a short backoff until the message's attempts are used up, then quarantined with
 *   the last error as its reason.
 *
 * The queue's RedrivePolicy stays as the backstop for what this code never sees (a crash, a timeout, a failed
 * DLQ send); its maxReceiveCount is sized above what the outage budget can spend (`cdk/lib/config.ts`).
 */

export interface RetryBudget {
  /** Receives a message failing on its own gets before it is quarantined (the stack's `messageAttempts`). */
  maxAttempts: number;
  /** Backoff after the first failed receive, in seconds; doubles with every receive. */
  backoffBaseSeconds: number;
  /** Cap on one backoff for a message failure, in seconds. */
  backoffMaxSeconds: number;
  /** How long a dependency may stay unavailable before its messages are quarantined, in seconds. */
  outageBudgetSeconds: number;
  /** Cap on one backoff during an outage, in seconds: how long a message may wait after the dependency is back. */
  outageBackoffMaxSeconds: number;
}

export type FailureCause = 'permanent' | 'dependency' | 'message';

export type FailureDecision =
  | {
      action: 'quarantine';
      cause: FailureCause;
      /** Human text for `holdline.reason`. */
      reason: string;
      /** For `holdline.errorName`. */
      errorName: string;
    }
  | {
      action: 'retry';
      cause: FailureCause;
      /** The message's new visibility timeout: when it (and the rest of its group) is tried again. */
      delaySeconds: number;
    };

/** What the consumer knows about the delivery when it failed. Times in epoch milliseconds. */
export interface FailureContext {
  /** SQS ApproximateReceiveCount of this delivery. */
  receiveCount: number;
  /** SQS SentTimestamp: when the message entered the queue, where the outage budget starts. */
  sentAt: number;
  now: number;
  /** Another message succeeded recently and the breaker is closed (`CircuitBreaker.healthy`). */
  dependenciesHealthy: boolean;
  /** SQS ApproximateFirstReceiveTimestamp, when the queue reports it. */
  firstReceivedAt?: number | undefined;
}

/**
 * Whether the message's receives span longer than failing on its own could: twice the retry window, plus a
 * minute for the queue. Then some of its receives went to waiting out an outage, so its receive count is not its own
 * attempts, and one failure judged its own (the first after a success, at the very start of the next outage) must
 * not spend them all: a full fault-campaign quarantined two orders so, 503s on receive 7 after six spent on a
 * frozen database.
 */
export function spentReceivesOnOutages(context: FailureContext, budget: RetryBudget): boolean {
  if (context.firstReceivedAt === undefined || context.firstReceivedAt <= 0) return false;
  const spanSeconds = (context.now - context.firstReceivedAt) / 1000;
  return spanSeconds > 2 * retryWindowSeconds(budget) + 60;
}

/** Longest `holdline.reason` kept: a reason is for a human, and the DLQ copy must stay within the SQS size limit. */
export const maxReasonLength = 1000;

export function isPermanent(error: unknown): boolean {
  return error instanceof ConsumerError && error.permanent;
}

/**
 * Powertools idempotency's "an execution is already in progress with this key": another invocation holds the
 * message's in-progress record (or held it and timed out; the record expires with that invocation's deadline).
 * Nothing is wrong with the message: it waits like an outage and never spends its attempts.
 */
export function isWaitingOnAnotherAttempt(error: unknown): boolean {
  return error instanceof Error && error.name === 'IdempotencyAlreadyInProgressError';
}

/** permanent, dependency (an outage, as far as this consumer can tell) or message. */
export function failureCause(error: unknown, dependenciesHealthy: boolean): FailureCause {
  if (isPermanent(error)) return 'permanent';
  if (isWaitingOnAnotherAttempt(error) || isConnectionFailure(error)) return 'dependency';
  if (isDependencyUnavailable(error) && !dependenciesHealthy) return 'dependency';
  return 'message';
}

/**
 * Backoff before receive `receiveCount + 1`: base × 2^(receiveCount − 1), capped at `maxSeconds`, with "equal
 * jitter" (half fixed, half random) so that orders failing together do not all come back in the same second.
 * Whole seconds, at least 1, because that is what ChangeMessageVisibility takes.
 */
export function backoffSeconds(
  receiveCount: number,
  budget: Pick<RetryBudget, 'backoffBaseSeconds'>,
  random: () => number,
  maxSeconds: number,
): number {
  const exponent = Math.max(0, receiveCount - 1);
  const full = Math.min(maxSeconds, budget.backoffBaseSeconds * 2 ** exponent);
  return Math.max(1, Math.ceil(full / 2 + (random() * full) / 2));
}

/** Decides quarantine or retry for `error` on a delivery described by `context`. */
export function decideFailure(
  error: unknown,
  context: FailureContext,
  budget: RetryBudget,
  random: () => number = Math.random,
): FailureDecision {
  const errorName = error instanceof Error ? error.name : 'NonError';
  const message = describeFailure(error);
  const cause = failureCause(error, context.dependenciesHealthy && !spentReceivesOnOutages(context, budget));
  if (cause === 'permanent')
    return { action: 'quarantine', cause, errorName, reason: clip(`permanent failure: ${message}`) };
  if (cause === 'dependency') {
    const waitedSeconds = Math.max(0, (context.now - context.sentAt) / 1000);
    if (waitedSeconds >= budget.outageBudgetSeconds)
      return {
        action: 'quarantine',
        cause,
        errorName,
        reason: clip(
          `dependency unavailable past the outage budget (${Math.round(waitedSeconds)} s of ${budget.outageBudgetSeconds} s): ${message}`,
        ),
      };
    return {
      action: 'retry',
      cause,
      delaySeconds: backoffSeconds(context.receiveCount, budget, random, budget.outageBackoffMaxSeconds),
    };
  }
  if (context.receiveCount >= budget.maxAttempts)
    return {
      action: 'quarantine',
      cause,
      errorName,
      reason: clip(
        `retry budget exhausted (${context.receiveCount} of ${budget.maxAttempts} receives): ${message}`,
      ),
    };
  return {
    action: 'retry',
    cause,
    delaySeconds: backoffSeconds(context.receiveCount, budget, random, budget.backoffMaxSeconds),
  };
}

/** The worst case a message failure spends before quarantine: the sum of the backoffs without jitter. */
export function retryWindowSeconds(budget: RetryBudget): number {
  let total = 0;
  for (let n = 1; n < budget.maxAttempts; n++)
    total += backoffSeconds(n, budget, () => 1, budget.backoffMaxSeconds);
  return total;
}

/**
 * Receives an outage of the whole budget can spend at most: every backoff at its shortest (half the full one,
 * the jitter's floor). The queue's maxReceiveCount must be above this, or SQS's redrive would move a message
 * that is only waiting for its dependency.
 */
export function outageReceives(budget: RetryBudget): number {
  let spent = 0;
  let receives = 0;
  while (spent < budget.outageBudgetSeconds) {
    receives++;
    spent += backoffSeconds(receives, budget, () => 0, budget.outageBackoffMaxSeconds);
  }
  return receives;
}

function clip(text: string): string {
  return text.length <= maxReasonLength ? text : `${text.slice(0, maxReasonLength - 1)}…`;
}
