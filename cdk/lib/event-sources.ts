import { Duration } from 'aws-cdk-lib';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { config } from './config.ts';

/**
 * The one way a Lambda reads a CDC stream: from the oldest record, one batch per shard at a time, failures
 * narrowed by bisect and partial-batch responses, and after the retries a pointer to `onFailure`.
 */
export function kinesisSource(stream: IStream, onFailure: IQueue): KinesisEventSource {
  return new KinesisEventSource(stream, {
    // A new mapping must not skip events written before it existed (the stream is the outbox's log).
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: config.kinesisBatchSize,
    // Latency over cost: hand records over as soon as they arrive.
    maxBatchingWindow: Duration.seconds(0),
    bisectBatchOnError: config.kinesisBisectOnError,
    reportBatchItemFailures: true,
    retryAttempts: config.kinesisRetryAttempts,
    parallelizationFactor: config.kinesisParallelizationFactor,
    onFailure: new SqsDlq(onFailure),
  });
}

/**
 * The one way a consumer reads its FIFO queue: full batches and partial-batch responses, so one failed
 * message (and the rest of its group) is retried without redoing the messages that succeeded.
 * No batching window: FIFO event sources do not support one.
 */
export function fifoQueueSource(queue: IQueue): SqsEventSource {
  return new SqsEventSource(queue, { batchSize: config.sqsBatchSize, reportBatchItemFailures: true });
}
