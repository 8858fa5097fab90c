import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { pendingOrdersBefore, transitionOrder } from '../orders/order-store.ts';
import { sqlClientFromEnv } from '../shared/db/from-env.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { requireEnv } from '../shared/env.ts';
import { lookUpCharge } from './gateway-lookup.ts';
import { type ReconcileSummary, reconcile } from './reconcile.ts';

const gatewayUrl = requireEnv('PAYMENT_GATEWAY_URL');
const deadlineSeconds = Number(requireEnv('RECONCILE_DEADLINE_SECONDS'));
const batchSize = Number(requireEnv('RECONCILE_BATCH_SIZE'));
const logger = new Logger();
const metrics = new Metrics({ namespace: 'Holdline' });
let db: Promise<SqlClient> | undefined;

/**
 * Scheduled (EventBridge rate): orders pending past the deadline are resolved from the gateway's record of their
 * charge (looked up by idempotency key = order id), through the same guarded transition + outbox event the
 * payment consumer uses. Metrics `ReconcileStuck`, `ReconcileResolved`, `ReconcileMaxResolveSeconds`.
 */
export const handler = middy<ScheduledEvent, ReconcileSummary>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async () => {
    db ??= sqlClientFromEnv();
    const sql = await db;
    const summary = await reconcile(
      {
        stuckOrders: (olderThan, limit) => pendingOrdersBefore(sql, olderThan, limit),
        lookUp: (orderId) => lookUpCharge(gatewayUrl, orderId),
        transition: (change) => transitionOrder(sql, change),
      },
      { now: new Date(), deadlineSeconds, limit: batchSize },
    );
    metrics.addMetric('ReconcileStuck', MetricUnit.Count, summary.stuck);
    metrics.addMetric('ReconcileResolved', MetricUnit.Count, summary.resolved);
    metrics.addMetric('ReconcileMaxResolveSeconds', MetricUnit.Seconds, summary.maxResolveSeconds);
    if (summary.stuck > 0) logger.info('reconciled', { ...summary });
    return summary;
  });
