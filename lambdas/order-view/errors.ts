/**
 * Errors of the order view. Each one fails its Kinesis record (a batch item failure): the event-source mapping
 * retries from the lowest failed record, bisects, and after its retries leaves a pointer in the on-failure queue.
 */
export class OrderViewError extends Error {
  override name = 'OrderViewError';
}

/** The record's data is neither an `orders` change event nor a Debezium heartbeat. */
export class InvalidChangeError extends OrderViewError {
  override name = 'InvalidChangeError';
  constructor(
    readonly sequenceNumber: string,
    readonly reason: string,
    /** When the data has a readable one. */
    readonly orderId?: string,
  ) {
    super(`record ${sequenceNumber} is not an orders change event: ${reason}`);
  }
}

/** DynamoDB refused or did not answer a write of the view (not a failed version guard: that is success). */
export class ViewWriteError extends OrderViewError {
  override name = 'ViewWriteError';
  constructor(
    readonly orderId: string,
    readonly sk: string,
    readonly lsn: number,
    options: { cause: unknown },
  ) {
    super(`writing ${sk} of order ${orderId} (change at LSN ${lsn}) failed`, options);
  }
}
