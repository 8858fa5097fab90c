import type { KinesisStreamRecord } from 'aws-lambda';
import { HeldBehindFailureError } from './errors.ts';

type RecordHandler = (record: KinesisStreamRecord) => Promise<void>;

/**
 * Wraps a record handler for ONE batch so that, once a record fails, later records with the same partition key
 * (the order id) fail too without being handled: HeldBehindFailureError.
 *
 * Why: Powertools' BatchProcessor goes on with the next record after a failure, and the mapping then retries
 * from the lowest failed record. Without this, an order's event 2 could reach SQS in this attempt while its
 * event 1 is still being retried — consumers would see them out of order. Records of other orders carry on:
 * one bad order does not hold up the shard (they are sent again on the retry; FIFO deduplication drops that).
 *
 * The partition key is used, not the aggregate id, because it is known even for a record whose data cannot be
 * read (Debezium keys outbox records by aggregate id). Records must be handled one at a time, in order.
 */
export function holdBehindFailures(handle: RecordHandler): RecordHandler {
  const failedKeys = new Set<string>();
  return async (record) => {
    const { partitionKey, sequenceNumber } = record.kinesis;
    if (failedKeys.has(partitionKey)) throw new HeldBehindFailureError(sequenceNumber, partitionKey);
    try {
      await handle(record);
    } catch (error) {
      failedKeys.add(partitionKey);
      throw error;
    }
  };
}
