import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { sqlClientFromEnv } from '../shared/db/from-env.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { SlotMonitor } from './monitor.ts';
import { publishMetrics } from './publish.ts';

const logger = new Logger();
const cloudWatch = new CloudWatchClient({});
// Module scope: the forecast's history survives between scheduled invocations of a warm container.
const monitor = new SlotMonitor();
let db: Promise<SqlClient> | undefined;

/** EventBridge `rate(1 minute)` (a few seconds locally): read the slots, publish metrics, log the verdicts. */
export async function handler(): Promise<{ slots: number; metrics: number }> {
  db ??= sqlClientFromEnv();
  const tick = await monitor.tick(await db);
  await publishMetrics(cloudWatch, tick.metrics, new Date(tick.snapshot.at));
  for (const a of tick.assessments) {
    const log = a.cause === 'healthy' ? logger.info.bind(logger) : logger.warn.bind(logger);
    log(a.explanation, { slot: a });
  }
  return { slots: tick.assessments.length, metrics: tick.metrics.length };
}
