import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
import { dynamoViewStore } from './dynamo-store.ts';
import { InvalidChangeError } from './errors.ts';
import { parseViewChange } from './view-change.ts';
import { applyChange } from './view-item.ts';

// Module scope: read once per cold start; a missing table name fails the cold start (ConfigError).
const tableName = requireEnv('ORDER_VIEW_TABLE');
// Endpoint and region from the environment: AWS_ENDPOINT_URL points it at the local emulator.
const store = dynamoViewStore(DynamoDBDocumentClient.from(new DynamoDBClient(boundedAwsClient)), tableName);
const failureQueueUrl = requireEnv('FAILURE_QUEUE_URL');
const sqs = new SQSClient(boundedAwsClient);
const logger = new Logger();
const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
const processor = new BatchProcessor(EventType.KinesisDataStreams);
/** A DynamoDB outage of seconds is waited out inside the invocation (5 s kept for the rest of the batch). */
const outageWait = (context: Context) => ({
  timeLeftMs: () => context.getRemainingTimeInMillis(),
  reserveMs: 5_000,
  onRetry: (error: unknown, pauseMs: number) =>
    logger.warn('dependency unavailable; waiting', { pauseMs, error }),
});

async function projectRecord(record: KinesisStreamRecord): Promise<void> {
  const { sequenceNumber, partitionKey, data } = record.kinesis;
  const change = parseViewChange(Buffer.from(data, 'base64').toString('utf8'));
  if (change.kind === 'heartbeat') {
    metrics.addMetric('HeartbeatsSkipped', MetricUnit.Count, 1);
    return;
  }
  if (change.kind === 'invalid') throw new InvalidChangeError(sequenceNumber, change.reason, change.orderId);
  const { applied, superseded } = await applyChange(store, change);
  metrics.addMetric('ViewWritesApplied', MetricUnit.Count, applied);
  // A replay, a retried batch, or a change older than what the view holds: nothing to do, by design.
  if (superseded > 0) metrics.addMetric('ViewWritesSuperseded', MetricUnit.Count, superseded);
  logger.debug('change applied', { sequenceNumber, partitionKey, op: change.op, applied, superseded });
}

/** A change that can never be applied goes to the failure queue with its reason, and the shard moves on. */
const projectOrQuarantine = quarantinePoison(projectRecord, {
  sqs,
  queueUrl: failureQueueUrl,
  reader: 'order-view',
  onQuarantined: reportQuarantined(logger, metrics),
});

/** The one place a failed record is logged, with its position and the typed error's own fields. */
async function logFailures(record: KinesisStreamRecord, context: Context): Promise<void> {
  try {
    await waitOutOutage(() => projectOrQuarantine(record), outageWait(context));
  } catch (error) {
    const { sequenceNumber, partitionKey } = record.kinesis;
    metrics.addMetric('RecordsFailed', MetricUnit.Count, 1);
    // Only a dependency outage gets here: the mapping retries the record until the outage budget runs out.
    logger.error('record failed; reported as a batch item failure', { sequenceNumber, partitionKey, error });
    throw error;
  }
}

/**
 * Kinesis `OrderChanges` → the DynamoDB order view. Every write is guarded by the change's WAL position, so
 * retries and replays are no-ops. A change that cannot be applied is quarantined with its reason; one that meets
 * an unavailable DynamoDB becomes a batch item failure, retried by the mapping until the outage budget runs out.
 */
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event, context) =>
    processPartialResponse(event, (record: KinesisStreamRecord) => logFailures(record, context), processor, {
      context,
      // One at a time in shard order: an order's changes reach the view oldest first, so the guard only ever
      // holds back true replays, never a change that arrived early.
      processInParallel: false,
    }),
  );
