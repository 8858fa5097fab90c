import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { sqlClientFromEnv } from '../shared/db/from-env.ts';
import { ConfigError, optionalEnv } from '../shared/env.ts';
import { lazy } from '../shared/lazy.ts';
import { METRIC_NAMESPACE } from '../shared/metric-names.ts';
import { reapOutbox } from './reaper.ts';

// Module scope: read once per cold start; a malformed value fails the cold start.
const retentionDays = Number(optionalEnv('OUTBOX_RETENTION_DAYS', '7'));
const lockWaitMs = Number(optionalEnv('OUTBOX_REAP_LOCK_WAIT_MS', '1000'));
if (!Number.isInteger(retentionDays) || retentionDays < 1)
  throw new ConfigError('OUTBOX_RETENTION_DAYS', 'must be a positive integer');
if (!Number.isInteger(lockWaitMs) || lockWaitMs < 1)
  throw new ConfigError('OUTBOX_REAP_LOCK_WAIT_MS', 'must be a positive integer');

const logger = new Logger();
const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
const db = lazy(sqlClientFromEnv);

/** EventBridge schedule → one reaper run. Throws (so the run shows as an error) only if the SQL fails. */
export const handler = middy(async () => {
  const result = await reapOutbox(await db(), { retentionDays, lockWaitMs });
  const count = (prefix: string) => result.filter((r) => r.action.startsWith(prefix)).length;
  metrics.addMetric('OutboxPartitionsDropped', MetricUnit.Count, count('dropped'));
  metrics.addMetric('OutboxPartitionsKeptUnsent', MetricUnit.Count, count('kept'));
  metrics.addMetric('OutboxPartitionsLockSkipped', MetricUnit.Count, count('skipped'));
  logger.info('outbox reaped', { retentionDays, partitions: result });
  return { partitions: result };
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
