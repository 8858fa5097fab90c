import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { requireEnv } from '../shared/env.ts';
import { METRIC_NAMESPACE, metricNames } from '../shared/metric-names.ts';
import { quarantinePoison } from '../shared/stream-quarantine.ts';
import { FlurryCounts, scanBatch, transactionIds } from './bulk.ts';
import { dynamoBulkStore } from './bulk-store.ts';
import { type CapturedRecord, readCapturedRecord } from './change.ts';
import { changeQueueUrlsFromEnv, flurryThresholdsFromEnv, ruleSetFromEnv } from './config.ts';
import { type PlanCounts, planChange, type RuleDelivery } from './plan.ts';
import { sendInOrder } from './send-in-order.ts';

// Module scope: read once per cold start; a bad rule set or a missing queue URL fails the cold start.
const ruleSet = ruleSetFromEnv();
const queueUrls = changeQueueUrlsFromEnv();
const thresholds = flurryThresholdsFromEnv();
const failureQueueUrl = requireEnv('FAILURE_QUEUE_URL');
const sqs = new SQSClient(boundedAwsClient);
const bulkStore = dynamoBulkStore(
  DynamoDBDocumentClient.from(new DynamoDBClient(boundedAwsClient)),
  requireEnv('BULK_TRANSACTIONS_TABLE'),
);
const flurryCounts = new FlurryCounts();
const logger = new Logger();
const metrics = new Metrics({ namespace: METRIC_NAMESPACE });

/** A record that can never be planned goes to the failure queue with its reason, and the shard moves on. */
const quarantined = (work: (record: KinesisStreamRecord) => Promise<void>) =>
  quarantinePoison(work, {
    sqs,
    queueUrl: failureQueueUrl,
    reader: 'change-router',
    onQuarantined: (r, error) => {
      metrics.addMetric('ChangeRecordsQuarantined', MetricUnit.Count, 1);
      logger.error('record quarantined', { sequenceNumber: r.kinesis.sequenceNumber, error });
    },
  });

/**
 * Kinesis `TableChanges` → the change consumers' FIFO queues, by the rules. The batch is read, its bulk
 * transactions found (a marker, or a flurry: bulk.ts; remembered across batches in DynamoDB), and each record
 * planned (pure: plan.ts); one that can never be planned is quarantined with its reason. The deliveries are then
 * sent per queue in stream order; a failed send fails the whole batch, which the mapping retries (FIFO
 * deduplication by change id drops what was already sent, and the consumers dedupe on it too).
 */
export const handler = middy<KinesisStreamEvent, void, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const read: Array<{ record: KinesisStreamRecord; captured: CapturedRecord }> = event.Records.map(
      (record) => ({
        record,
        captured: readCapturedRecord(Buffer.from(record.kinesis.data, 'base64').toString('utf8')),
      }),
    );
    const captured = read.map((r) => r.captured);
    const scan = scanBatch(captured, await bulkStore.get(transactionIds(captured)), thresholds, flurryCounts);
    if (scan.added.length > 0) await bulkStore.put(scan.added);
    for (const flurry of scan.flurries) {
      metrics.addMetric(metricNames.flurryDetected, MetricUnit.Count, 1);
      logger.warn('unmarked flurry detected: throttled like a bulk change', { ...flurry });
    }
    const deliveries: RuleDelivery[] = [];
    const counts: PlanCounts = { skipped: 0 };
    for (const { record, captured: one } of read)
      await quarantined(async (r) => {
        deliveries.push(...planChange(one, ruleSet, r.kinesis.sequenceNumber, scan.marks, counts));
      })(record);
    await sendInOrder(deliveries, queueUrls, (command) => sqs.send(command));
    const count = (f: (d: RuleDelivery) => boolean) => deliveries.filter(f).length;
    const matched = count((d) => d.kind === 'change' && d.lane === 'normal');
    const throttled = count((d) => d.lane === 'bulk');
    const summaries = count((d) => d.kind === 'summary');
    if (matched > 0) metrics.addMetric('RuleMatches', MetricUnit.Count, matched);
    if (throttled > 0) metrics.addMetric('BulkChangesThrottled', MetricUnit.Count, throttled);
    if (counts.skipped > 0) metrics.addMetric('BulkChangesSkipped', MetricUnit.Count, counts.skipped);
    if (summaries > 0) metrics.addMetric('BulkSummaries', MetricUnit.Count, summaries);
    if (deliveries.length > 0 || counts.skipped > 0)
      logger.info('changes routed', {
        records: event.Records.length,
        deliveries: deliveries.length,
        skipped: counts.skipped,
        rules: [...new Set(deliveries.map((d) => d.rule))],
      });
  });
