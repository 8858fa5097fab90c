import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SqlExecutor } from '../shared/db/sql-client.ts';
import { describeFailure, isDependencyUnavailable } from '../shared/dependency-failure.ts';
import type { SlotMonitor } from './monitor.ts';
import { publishDatabaseReachability, publishMetrics } from './publish.ts';

export interface MonitorRunDeps {
  monitor: SlotMonitor;
  /** The database, made on first use: reaching it is part of what the run checks. */
  db: () => Promise<SqlExecutor>;
  cloudWatch: CloudWatchClient;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface MonitorRun {
  slots: number;
  metrics: number;
  databaseReachable: boolean;
}

/**
 * One scheduled run: read the slots, publish metrics, log the verdicts. It runs whatever the traffic, so it also
 * says whether Postgres answers (`DependencyDown`, `Dependency` = `database`): a database that refuses or hangs
 * pages within a minute, even when no consumer has a message to fail on (a consumer's breaker needs three).
 * Any other failure is thrown, for the function's Errors alarm.
 */
export async function runMonitorOnce(deps: MonitorRunDeps): Promise<MonitorRun> {
  const { monitor, cloudWatch, logger } = deps;
  let tick: Awaited<ReturnType<SlotMonitor['tick']>>;
  try {
    tick = await monitor.tick(await deps.db());
  } catch (error) {
    if (!isDependencyUnavailable(error)) throw error;
    logger.error('database unreachable', { lastFailure: describeFailure(error), error: error as Error });
    await publishDatabaseReachability(cloudWatch, false, new Date());
    return { slots: 0, metrics: 0, databaseReachable: false };
  }
  const at = new Date(tick.snapshot.at);
  await publishMetrics(cloudWatch, tick.metrics, at);
  await publishDatabaseReachability(cloudWatch, true, at);
  for (const a of tick.assessments) {
    const log = a.cause === 'healthy' ? logger.info.bind(logger) : logger.warn.bind(logger);
    log(a.explanation, { slot: a });
  }
  return { slots: tick.assessments.length, metrics: tick.metrics.length, databaseReachable: true };
}
