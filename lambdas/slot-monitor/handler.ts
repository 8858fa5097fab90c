import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { sqlClientFromEnv } from '../shared/db/from-env.ts';
import { lazy } from '../shared/lazy.ts';
import { SlotMonitor } from './monitor.ts';
import { publishMetrics } from './publish.ts';

const logger = new Logger();
const cloudWatch = new CloudWatchClient(boundedAwsClient);
// Module scope: the forecast's history survives between scheduled invocations of a warm container.
const monitor = new SlotMonitor();
const db = lazy(sqlClientFromEnv);

/** EventBridge `rate(1 minute)` (a few seconds locally): read the slots, publish metrics, log the verdicts. */
export async function handler(): Promise<{ slots: number; metrics: number }> {
  const tick = await monitor.tick(await db());
  await publishMetrics(cloudWatch, tick.metrics, new Date(tick.snapshot.at));
  for (const a of tick.assessments) {
    const log = a.cause === 'healthy' ? logger.info.bind(logger) : logger.warn.bind(logger);
    log(a.explanation, { slot: a });
  }
  return { slots: tick.assessments.length, metrics: tick.metrics.length };
}
