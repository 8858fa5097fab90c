/**
 * How Lambda reads a function's response when the mapping has `FunctionResponseTypes: [ReportBatchItemFailures]`
 * (services-sqs-errorhandling, services-kinesis-batchfailurereporting):
 * - complete success: a null/undefined response, an object without `batchItemFailures`, or an empty/null list;
 * - complete failure: a response that is not an object, a `batchItemFailures` that is not a list, or any item whose
 *   `itemIdentifier` is missing, empty, not a string or not an id of this batch;
 * - otherwise the listed ids failed and the rest succeeded.
 */
export type BatchVerdict =
  | { kind: 'all-succeeded' }
  | { kind: 'all-failed'; reason: string }
  | { kind: 'partial'; failed: string[] };

export function readBatchResponse(payload: unknown, ids: readonly string[]): BatchVerdict {
  if (payload === null || payload === undefined) return { kind: 'all-succeeded' };
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    return { kind: 'all-failed', reason: 'response is not a JSON object' };
  }
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { kind: 'all-succeeded' };
  if (!Array.isArray(failures)) return { kind: 'all-failed', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'all-succeeded' };
  const known = new Set(ids);
  const failed = new Set<string>();
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '')
      return { kind: 'all-failed', reason: 'an itemIdentifier is empty or null' };
    if (!known.has(id)) return { kind: 'all-failed', reason: `itemIdentifier ${id} is not in the batch` };
    failed.add(id);
  }
  return { kind: 'partial', failed: [...failed] };
}

/** The result of one invocation, as the batch decisions need it. */
export type BatchOutcome = { ok: true; payload: unknown } | { ok: false };

/**
 * Which SQS messages to delete after an invocation: all on success; none on a function error (they return after
 * the visibility timeout, and the queue's own redrive policy moves them to the DLQ); with
 * ReportBatchItemFailures, everything not reported (nothing if the response says the whole batch failed).
 */
export function sqsMessagesToDelete(
  messageIds: readonly string[],
  outcome: BatchOutcome,
  reportBatchItemFailures: boolean,
): string[] {
  if (!outcome.ok) return [];
  if (!reportBatchItemFailures) return [...messageIds];
  const verdict = readBatchResponse(outcome.payload, messageIds);
  if (verdict.kind === 'all-succeeded') return [...messageIds];
  if (verdict.kind === 'all-failed') return [];
  const failed = new Set(verdict.failed);
  return messageIds.filter((id) => !failed.has(id));
}
