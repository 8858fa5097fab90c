import { Duration } from 'aws-cdk-lib';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { config } from './config.ts';

/**
 * The one way a Lambda reads a CDC stream: from the oldest record, one batch per shard at a time, failures
 * narrowed by bisect and partial-batch responses. A failed record is retried until it is older than the outage
 * budget, then its pointer goes to `onFailure`. Only a dependency outage fails a record: the readers quarantine
 * a record that can never succeed themselves (lambdas/shared/stream-quarantine.ts), so it does not hold the shard.
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
    // No retry count (CloudFormation's default, −1: until the record expires): the record's age is the budget,
    // the same 6 h a consumer message may wait out an outage.
    maxRecordAge: config.outageBudget,
    parallelizationFactor: config.kinesisParallelizationFactor,
    onFailure: new SqsDlq(onFailure),
  });
}

/**
 * The one way a consumer reads its FIFO queue: full batches and partial-batch responses, so one failed
 * message (and the rest of its group) is retried without redoing the messages that succeeded.
 * No batching window: FIFO event sources do not support one. `maxConcurrency` caps the concurrent batches (a
 * low-priority lane); default none.
 */
export function fifoQueueSource(queue: IQueue, maxConcurrency?: number): SqsEventSource {
  return new SqsEventSource(queue, {
    batchSize: config.sqsBatchSize,
    reportBatchItemFailures: true,
    ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
  });
}
