import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { requireEnv } from '../shared/env.ts';
import { METRIC_NAMESPACE } from '../shared/metric-names.ts';
import { quarantinePoison } from '../shared/stream-quarantine.ts';
import { readCapturedRecord } from './change.ts';
import { changeQueueUrlsFromEnv, ruleSetFromEnv } from './config.ts';
import { planChange, type RuleDelivery } from './plan.ts';
import { sendInOrder } from './send-in-order.ts';

// Module scope: read once per cold start; a bad rule set or a missing queue URL fails the cold start.
const ruleSet = ruleSetFromEnv();
const queueUrls = changeQueueUrlsFromEnv();
const failureQueueUrl = requireEnv('FAILURE_QUEUE_URL');
const sqs = new SQSClient(boundedAwsClient);
const logger = new Logger();
const metrics = new Metrics({ namespace: METRIC_NAMESPACE });

/**
 * Kinesis `TableChanges` → the change consumers' FIFO queues, by the rules. Each record is planned (pure:
 * plan.ts); one that can never be planned is quarantined with its reason and the shard moves on. The deliveries
 * are then sent per queue in stream order; a failed send fails the whole batch, which the mapping retries
 * (FIFO deduplication by change id drops what was already sent, and the consumers dedupe on it too).
 */
export const handler = middy<KinesisStreamEvent, void, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const deliveries: RuleDelivery[] = [];
    for (const record of event.Records) {
      await quarantinePoison(
        async (r) => {
          const data = Buffer.from(r.kinesis.data, 'base64').toString('utf8');
          deliveries.push(...planChange(readCapturedRecord(data), ruleSet, r.kinesis.sequenceNumber));
        },
        {
          sqs,
          queueUrl: failureQueueUrl,
          reader: 'change-router',
          onQuarantined: (r, error) => {
            metrics.addMetric('ChangeRecordsQuarantined', MetricUnit.Count, 1);
            logger.error('record quarantined', { sequenceNumber: r.kinesis.sequenceNumber, error });
          },
        },
      )(record);
    }
    await sendInOrder(deliveries, queueUrls, (command) => sqs.send(command));
    if (deliveries.length > 0) metrics.addMetric('RuleMatches', MetricUnit.Count, deliveries.length);
    if (deliveries.length > 0)
      logger.info('changes routed', {
        records: event.Records.length,
        deliveries: deliveries.length,
        rules: [...new Set(deliveries.map((d) => d.rule))],
      });
  });
