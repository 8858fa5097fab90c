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
import { quarantinePoison } from '../shared/stream-quarantine.ts';
import { waitOutOutage } from '../shared/wait-out-outage.ts';
import { queueUrlsFromEnv } from './config.ts';
import { deliver } from './deliver.ts';
import { HeldBehindFailureError } from './errors.ts';
import { holdBehindFailures } from './key-order.ts';
import { planRecord } from './plan.ts';

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

async function routeRecord(record: KinesisStreamRecord, context: Context): Promise<void> {
  const plan = planRecord(record);
  if (plan.kind === 'heartbeat') {
    metrics.addMetric('HeartbeatsSkipped', MetricUnit.Count, 1);
    return;
  }
  await waitOutOutage(() => deliver(sqs, queueUrls, plan), outageWait(context));
  metrics.addMetric('EventsRouted', MetricUnit.Count, 1);
}

/** A record that can never be routed goes to the failure queue with its reason, and the shard moves on. */
const quarantined = (handle: (record: KinesisStreamRecord) => Promise<void>) =>
  quarantinePoison(handle, {
    sqs,
    queueUrl: failureQueueUrl,
    reader: 'router',
    onQuarantined: (record, error) => {
      const { sequenceNumber, partitionKey } = record.kinesis;
      metrics.addMetric('RecordsQuarantined', MetricUnit.Count, 1);
      // The typed error's own fields (reason, eventId, eventType) and its cause are logged with it.
      logger.error('record quarantined', { sequenceNumber, partitionKey, error });
    },
  });

/** The one place a failed record is logged: its position, then the typed error with its own fields. */
function logFailures(handle: (record: KinesisStreamRecord) => Promise<void>) {
  return async (record: KinesisStreamRecord): Promise<void> => {
    try {
      await handle(record);
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
  };
}

/**
 * Kinesis `OrderEvents` → the consumers' FIFO queues. A record that cannot be routed is quarantined with its
 * reason; one whose queues are unavailable becomes a batch item failure, and the mapping (ReportBatchItemFailures,
 * retries until the record is older than the outage budget, then a pointer in the on-failure queue) does the rest.
 */
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event, context) =>
    processPartialResponse(
      event,
      logFailures(holdBehindFailures(quarantined((r) => routeRecord(r, context)))),
      processor,
      {
        context,
        // Powertools defaults to Promise.all over the batch. Records must go one at a time, in shard order: that
        // is what keeps an order's events in order on their way into SQS (and what holdBehindFailures relies on).
        processInParallel: false,
      },
    ),
  );
