import { ConsumerError } from './errors.ts';

/**
 * What a consumer does with a message whose processing failed. Pure: no AWS, no clock, no randomness of its own.
 *
 * - A permanent failure (malformed, unknown type, oversize, a 4xx from the gateway) is quarantined on the spot:
 *   retrying cannot help, and every retry would hold the message's group back.
 * - Anything else is retried after an exponential backoff, set as the message's visibility timeout — until the
 *   receive that uses up the queue's retry budget (`maxReceiveCount`, from the CDK config): that one quarantines
 *   the message with the last error as its reason, one receive before the queue's own redrive would move it
 *   without any reason.
 *
 * The queue's RedrivePolicy stays as the backstop for what this code never sees (a crash, a timeout, a failed
 * DLQ send): those messages land in the DLQ without `holdline.*` attributes.
 */

export interface RetryBudget {
  /** The source queue's RedrivePolicy maxReceiveCount: deliveries a message gets before it must leave. */
  maxReceiveCount: number;
  /** Backoff after the first failed receive, in seconds; doubles with every receive. */
  backoffBaseSeconds: number;
  /** Cap on one backoff, in seconds (SQS allows up to 43,200). */
  backoffMaxSeconds: number;
}

export type FailureDecision =
  | {
      action: 'quarantine';
      /** Human text for `holdline.reason`. */
      reason: string;
      /** For `holdline.errorName`. */
      errorName: string;
    }
  | {
      action: 'retry';
      /** The message's new visibility timeout: when it (and the rest of its group) is tried again. */
      delaySeconds: number;
    };

/** Longest `holdline.reason` kept: a reason is for a human, and the DLQ copy must stay within the SQS size limit. */
export const maxReasonLength = 1000;

export function isPermanent(error: unknown): boolean {
  return error instanceof ConsumerError && error.permanent;
}

/**
 * Backoff before receive `receiveCount + 1`: base × 2^(receiveCount − 1), capped, with "equal jitter" (half
 * fixed, half random) so that orders failing together (a gateway outage) do not all come back in the same second.
 * Whole seconds, at least 1, because that is what ChangeMessageVisibility takes.
 */
export function backoffSeconds(receiveCount: number, budget: RetryBudget, random: () => number): number {
  const exponent = Math.max(0, receiveCount - 1);
  const full = Math.min(budget.backoffMaxSeconds, budget.backoffBaseSeconds * 2 ** exponent);
  return Math.max(1, Math.ceil(full / 2 + (random() * full) / 2));
}

/** Decides quarantine or retry for `error` on the `receiveCount`-th delivery (SQS ApproximateReceiveCount). */
export function decideFailure(
  error: unknown,
  receiveCount: number,
  budget: RetryBudget,
  random: () => number = Math.random,
): FailureDecision {
  const errorName = error instanceof Error ? error.name : 'NonError';
  const message = error instanceof Error ? error.message : String(error);
  if (isPermanent(error))
    return { action: 'quarantine', errorName, reason: clip(`permanent failure: ${message}`) };
  if (receiveCount >= budget.maxReceiveCount)
    return {
      action: 'quarantine',
      errorName,
      reason: clip(
        `retry budget exhausted (${receiveCount} of ${budget.maxReceiveCount} receives): ${message}`,
      ),
    };
  return { action: 'retry', delaySeconds: backoffSeconds(receiveCount, budget, random) };
}

/** The worst case a transient failure spends before quarantine: the sum of the backoffs without jitter. */
export function retryWindowSeconds(budget: RetryBudget): number {
  let total = 0;
  for (let n = 1; n < budget.maxReceiveCount; n++) total += backoffSeconds(n, budget, () => 1);
  return total;
}

function clip(text: string): string {
  return text.length <= maxReasonLength ? text : `${text.slice(0, maxReasonLength - 1)}…`;
}
