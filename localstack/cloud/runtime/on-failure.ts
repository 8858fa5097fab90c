import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StreamRecord } from './kinesis-event.ts';
import type { OnFailureTarget } from './mappings.ts';

/** Why Lambda gave up on a stream batch. */
export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface DiscardedBatch {
  records: readonly StreamRecord[];
  condition: DiscardCondition;
  shardId: string;
  streamArn: string;
  functionArn: string;
  /** Request id of the last invocation that included these records (a fresh id if none did). */
  requestId: string;
  invokes: number;
  /** Set when the last invocation was a function error rather than reported item failures. */
  functionError?: 'Unhandled';
  now?: Date;
}

/**
 * The on-failure invocation record Lambda sends to an SQS or SNS destination for a discarded Kinesis batch
 * (kinesis-on-failure-destination): metadata only — the shard and sequence range to re-read, not the data.
 */
export function kinesisFailureRecord(batch: DiscardedBatch) {
  const first = batch.records[0];
  const last = batch.records[batch.records.length - 1];
  if (first === undefined || last === undefined)
    throw new Error('an on-failure record needs at least one record');
  return {
    requestContext: {
      requestId: batch.requestId,
      functionArn: batch.functionArn,
      condition: batch.condition,
      approximateInvokeCount: batch.invokes,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(batch.functionError === undefined ? {} : { functionError: batch.functionError }),
    },
    version: '1.0',
    timestamp: (batch.now ?? new Date()).toISOString(),
    KinesisBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: first.SequenceNumber,
      endSequenceNumber: last.SequenceNumber,
      approximateArrivalOfFirstRecord: first.ApproximateArrivalTimestamp.toISOString(),
      approximateArrivalOfLastRecord: last.ApproximateArrivalTimestamp.toISOString(),
      batchSize: batch.records.length,
      streamArn: batch.streamArn,
    },
  };
}

export type KinesisFailureRecord = ReturnType<typeof kinesisFailureRecord>;

/** Sends an on-failure record to its destination queue or topic. */
export async function sendOnFailure(
  target: OnFailureTarget,
  record: KinesisFailureRecord,
  clients: { sqs: SQSClient; sns: SNSClient },
): Promise<void> {
  const body = JSON.stringify(record);
  if (target.kind === 'sqs') {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: body }));
  } else {
    await clients.sns.send(new PublishCommand({ TopicArn: target.arn, Message: body }));
  }
}
