import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { pendingOrdersBefore, requestPayment, transitionOrder } from '../orders/order-store.ts';
import { httpPaymentProvider } from '../providers/payment-provider.ts';
import { sqlClientFromEnv } from '../shared/db/from-env.ts';
import { requireEnv } from '../shared/env.ts';
import { lazy } from '../shared/lazy.ts';
import { METRIC_NAMESPACE, metricNames } from '../shared/metric-names.ts';
import { type ReconcileSummary, reconcile } from './reconcile.ts';

const seconds = (name: string) => Number(requireEnv(name));
const settings = {
  gatewayUrl: requireEnv('PAYMENT_GATEWAY_URL'),
  deadlineSeconds: seconds('RECONCILE_DEADLINE_SECONDS'),
  pageSize: seconds('RECONCILE_BATCH_SIZE'),
  redriveIntervalSeconds: seconds('RECONCILE_REDRIVE_INTERVAL_SECONDS'),
  giveUpAfterSeconds: seconds('RECONCILE_GIVE_UP_AFTER_SECONDS'),
  concurrency: 8,
  // A page's look-ups (5 s each at worst) finish before the function's timeout.
  reserveMs: 15_000,
};
const gateway = httpPaymentProvider(settings.gatewayUrl);
const logger = new Logger();
const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
const db = lazy(sqlClientFromEnv);

/**
 * Scheduled (EventBridge rate): orders pending past the deadline are resolved from the gateway's record of their
 * charge (looked up by idempotency key = order id), re-driven when there is none, or failed with a reason past the
 * final deadline — never left pending for good. Metrics: `ReconcileStuck`, `ReconcileResolved`,
 * `ReconcileRedriven`, `ReconcileNoCharge`, `ReconcileGivenUp`, `ReconcileFailed`, `ReconcileMaxResolveSeconds`.
 */
export const handler = middy<ScheduledEvent, ReconcileSummary, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (_event, context) => {
    const sql = await db();
    const summary = await reconcile(
      {
        stuckOrders: (olderThan, cursor, limit) => pendingOrdersBefore(sql, olderThan, limit, cursor),
        lookUp: (orderId) => gateway.lookUp(orderId),
        transition: (change) => transitionOrder(sql, change),
        requestPayment: (orderId, interval) => requestPayment(sql, orderId, interval),
      },
      { ...settings, now: new Date(), timeLeftMs: () => context.getRemainingTimeInMillis() },
    );
    metrics.addMetric(metricNames.reconcileStuck, MetricUnit.Count, summary.stuck);
    metrics.addMetric(metricNames.reconcileResolved, MetricUnit.Count, summary.resolved);
    metrics.addMetric(metricNames.reconcileRedriven, MetricUnit.Count, summary.redriven);
    metrics.addMetric(metricNames.reconcileNoCharge, MetricUnit.Count, summary.noCharge);
    metrics.addMetric(metricNames.reconcileGivenUp, MetricUnit.Count, summary.givenUp);
    metrics.addMetric(metricNames.reconcileFailed, MetricUnit.Count, summary.failed);
    metrics.addMetric(metricNames.reconcileMaxResolveSeconds, MetricUnit.Seconds, summary.maxResolveSeconds);
    if (summary.stuck > 0)
      logger.info('reconciled', { ...summary, resolvedOrders: summary.resolvedOrders.length });
    return summary;
  });
