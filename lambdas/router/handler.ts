import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { requireEnv } from '../shared/env.ts';
import { METRIC_NAMESPACE } from '../shared/metric-names.ts';
import { quarantinePoison, reportQuarantined } from '../shared/stream-quarantine.ts';
import { waitOutOutage } from '../shared/wait-out-outage.ts';
import { queueUrlsFromEnv } from './config.ts';
import { HeldBehindFailureError } from './errors.ts';
import { type RecordOutcome, routeBatch } from './route-batch.ts';

// Module scope: read once per cold start; a missing queue URL fails the cold start (ConfigError).
const queueUrls = queueUrlsFromEnv();
const failureQueueUrl = requireEnv('FAILURE_QUEUE_URL');
// Endpoint and region from the environment: AWS_ENDPOINT_URL points it at the local emulator.
const sqs = new SQSClient(boundedAwsClient);
const logger = new Logger();
// The CDK function sets POWERTOOLS_SERVICE_NAME (the `service` dimension) but no metrics namespace.
const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
const processor = new BatchProcessor(EventType.KinesisDataStreams);
/** An SQS outage of seconds is waited out inside the invocation (10 s kept for the rest of the batch). */
const outageWait = (context: Context) => ({
  timeLeftMs: () => context.getRemainingTimeInMillis(),
  reserveMs: 10_000,
  onRetry: (error: unknown, pauseMs: number) =>
    logger.warn('dependency unavailable; waiting', { pauseMs, error }),
});

/** A record that can never be routed goes to the failure queue with its reason, and the shard moves on. */
const quarantined = (handle: (record: KinesisStreamRecord) => Promise<void>) =>
  quarantinePoison(handle, {
    sqs,
    queueUrl: failureQueueUrl,
    reader: 'router',
    onQuarantined: reportQuarantined(logger, metrics),
  });

/** What the routing of the batch decided for one record, logged and counted; a failure is thrown for Powertools. */
async function settle(record: KinesisStreamRecord, outcome: RecordOutcome | undefined): Promise<void> {
  switch (outcome?.kind) {
    case 'heartbeat':
      metrics.addMetric('HeartbeatsSkipped', MetricUnit.Count, 1);
      return;
    case 'routed':
      metrics.addMetric('EventsRouted', MetricUnit.Count, 1);
      return;
    case 'unroutable':
    case 'failed':
      // Held behind its order's failure: never quarantined, the retry sends it after the record it waits for.
      if (outcome.error instanceof HeldBehindFailureError) throw outcome.error;
      // An outage rethrows (the mapping retries); anything else can never be sent and is quarantined.
      return quarantined(async () => {
        throw outcome.error;
      })(record);
    default:
      throw new Error(`record ${record.kinesis.sequenceNumber} was not routed`);
  }
}

/** The one place a failed record is logged: its position, then the typed error with its own fields. */
async function logFailures(record: KinesisStreamRecord, outcome: RecordOutcome | undefined): Promise<void> {
  try {
    await settle(record, outcome);
  } catch (error) {
    const { sequenceNumber, partitionKey } = record.kinesis;
    if (error instanceof HeldBehindFailureError) {
      metrics.addMetric('RecordsHeldBack', MetricUnit.Count, 1);
      logger.warn('record held back behind a failed record of its order', { sequenceNumber, partitionKey });
    } else {
      metrics.addMetric('RecordsFailed', MetricUnit.Count, 1);
      // Only a dependency outage gets here: the mapping retries the record until the outage budget runs out.
      logger.error('record failed; reported as a batch item failure', {
        sequenceNumber,
        partitionKey,
        error,
      });
    }
    throw error;
  }
}

/**
 * Kinesis `OrderEvents` → the consumers' FIFO queues. A record that cannot be routed is quarantined with its
 * reason; one whose queues are unavailable becomes a batch item failure, and the mapping (ReportBatchItemFailures,
 * retries until the record is older than the outage budget, then a pointer in the on-failure queue) does the rest.
 */
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event, context) => {
    // The whole batch is routed first, with SendMessageBatch per queue (route-batch.ts keeps each order's events
    // in order); Powertools then turns each record's outcome into the partial-batch response.
    const outcomes = await routeBatch(event.Records, queueUrls, (command) =>
      waitOutOutage(() => sqs.send(command), outageWait(context)),
    );
    return processPartialResponse(
      event,
      (record: KinesisStreamRecord) => logFailures(record, outcomes.get(record.kinesis.sequenceNumber)),
      processor,
      { context, processInParallel: false },
    );
  });
