import type { SQSRecord } from 'aws-lambda';

/**
 * The age of the oldest message of a batch when the function received it: now − SentTimestamp, in seconds; null
 * for an empty batch or one whose records carry no SentTimestamp.
 *
 * Why the consumers measure it rather than reading `ApproximateAgeOfOldestMessage`: SQS publishes that metric in
 * AWS only, and locally it can only be read by receiving the message, which raises its receive count and so
 * changes when the redrive moves it to the DLQ. Measured at receive, it is the same figure in both places; a
 * redelivered message reports its age since it was first sent, so retries and backoffs show as growing lag.
 * What it cannot see is a queue nobody receives from: the AWS/SQS metric covers that case in AWS.
 */
export function oldestAgeAtReceiveSeconds(
  records: ReadonlyArray<Pick<SQSRecord, 'attributes'>>,
  nowMs: number,
): number | null {
  const sent = records
    .map((r) => Number(r.attributes.SentTimestamp))
    .filter((t) => Number.isFinite(t) && t > 0);
  if (sent.length === 0) return null;
  return Math.max(0, (nowMs - Math.min(...sent)) / 1000);
}
