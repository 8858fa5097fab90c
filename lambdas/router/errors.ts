/**
 * Errors of the router. One that a dependency outage caused fails its Kinesis record (a batch item failure): the
 * mapping retries from the lowest failed record until the record is older than the outage budget. Any other is
 * quarantined with the record (lambdas/shared/stream-quarantine.ts). The fields say which record and why, for the
 * structured log line.
 */
export class RouterError extends Error {
  override name = 'RouterError';
}

/** The record's data is not an outbox event nor a Debezium heartbeat: not JSON, or a field is missing or wrong. */
export class InvalidRecordError extends RouterError {
  override name = 'InvalidRecordError';
  constructor(
    readonly sequenceNumber: string,
    readonly reason: string,
    /** When the data has a readable one. */
    readonly eventId?: string,
  ) {
    super(`record ${sequenceNumber} is not an outbox event: ${reason}`);
  }
}

/** A well-formed event whose type no consumer is registered for (a producer ran ahead of the router). */
export class UnroutableEventError extends RouterError {
  override name = 'UnroutableEventError';
  constructor(
    readonly eventId: string,
    readonly eventType: string,
  ) {
    super(`event ${eventId} has type "${eventType}", which no consumer is routed to`);
  }
}

/**
 * SQS refused or did not answer a send to one or more queues; the record is retried, and the queues that did
 * get the message drop the repeat (same deduplication id). `cause` is the error, or an AggregateError of several.
 */
export class SendFailedError extends RouterError {
  override name = 'SendFailedError';
  constructor(
    readonly eventId: string,
    readonly consumers: readonly string[],
    options: { cause: unknown },
  ) {
    super(`sending event ${eventId} to the ${consumers.join(', ')} queue(s) failed`, options);
  }
}

/**
 * Not a fault of this record: an earlier record with the same partition key (order id) failed in this batch, so
 * sending this one now would let a consumer see the order's later event before the earlier one.
 */
export class HeldBehindFailureError extends RouterError {
  override name = 'HeldBehindFailureError';
  constructor(
    readonly sequenceNumber: string,
    readonly partitionKey: string,
  ) {
    super(
      `record ${sequenceNumber} held back: an earlier record of key ${partitionKey} failed in this batch`,
    );
  }
}

/**
 * SQS accepted a SendMessageBatch but refused one entry. `SenderFault` says whose fault: ours (the entry is bad and
 * will be refused again: the record is quarantined) or SQS's (a dependency failure: the record is retried).
 */
export class BatchEntryFailedError extends RouterError {
  override name = 'BatchEntryFailedError';
  readonly code: string | undefined;
  readonly senderFault: boolean;
  /** Read by isDependencyUnavailable: an entry SQS failed on its side is an outage, not a bad record. */
  readonly dependencyUnavailable: boolean;
  constructor(
    readonly eventId: string,
    readonly consumer: string,
    entry: { Code?: string; Message?: string; SenderFault?: boolean },
  ) {
    super(
      `SQS refused event ${eventId} for the ${consumer} queue: ${entry.Code ?? 'unknown'} ${entry.Message ?? ''}`,
    );
    this.code = entry.Code;
    this.senderFault = entry.SenderFault === true;
    this.dependencyUnavailable = !this.senderFault;
  }
}
