/**
 * The SQS message attributes a quarantined copy carries, in a consumer DLQ or a stream reader's failure queue
 * (agreed names; see docs/runbooks/dlq.md).
 */
export const quarantineAttributes = {
  reason: 'holdline.reason',
  errorName: 'holdline.errorName',
  /** ARN of the queue (or stream) the message failed in: where `npm run dlq -- replay` sends it back. */
  sourceQueue: 'holdline.sourceQueue',
  receiveCount: 'holdline.receiveCount',
  failedAt: 'holdline.failedAt',
} as const;
