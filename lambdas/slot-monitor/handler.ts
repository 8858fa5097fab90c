import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { sqlClientFromEnv } from '../shared/db/from-env.ts';
import { lazy } from '../shared/lazy.ts';
import { SlotMonitor } from './monitor.ts';
import { type MonitorRun, runMonitorOnce } from './run-once.ts';

const logger = new Logger();
const cloudWatch = new CloudWatchClient(boundedAwsClient);
// Module scope: the forecast's history survives between scheduled invocations of a warm container.
const monitor = new SlotMonitor();
const db = lazy(sqlClientFromEnv);

/** EventBridge `rate(1 minute)` (a few seconds locally): one monitor run (run-once.ts). */
export function handler(): Promise<MonitorRun> {
  return runMonitorOnce({ monitor, db, cloudWatch, logger });
}
