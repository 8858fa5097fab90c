import { join } from 'node:path';
import { functionIdsByEntry, scheduleIdsOf } from '../../../cdk/lib/template.ts';
import type { AwsAccess } from '../../../lambdas/shared/aws-access.ts';
import type { CfnTemplate, Provisioned } from '../provision/index.ts';
import { startSqsMetricsPublisher } from './aws-metrics.ts';
import { startEmfForwarder } from './emf-forwarder.ts';
import { type AlarmEvaluator, type AlarmTransition, startAlarmEvaluator } from './evaluator.ts';

export const SLOT_MONITOR_ENTRY = 'lambdas/slot-monitor/handler.ts';

/** Alarm periods are divided by this unless told otherwise: 60 s periods become 5 s. */
export const DEFAULT_ALARM_TIME_SCALE = 12;

export interface LocalSlotGuardOptions {
  /** Slot monitor schedule locally. Default 5 s (AWS: rate(1 minute)). */
  monitorIntervalMs?: number;
  /** Alarm periods divided by this. Default 12: 60 s periods become 5 s, matching the monitor's interval. */
  alarmTimeScale?: number;
  onTransition?: (t: AlarmTransition) => void;
}

/** Logical ids of the schedules that invoke the slot monitor, for the runtime's `scheduleOverrides`. */
export function slotMonitorScheduleIds(template: CfnTemplate): string[] {
  return functionIdsByEntry(template, SLOT_MONITOR_ENTRY).flatMap((id) => scheduleIdsOf(template, id));
}

/** The runtime's scheduleOverrides that run the slot monitor every `intervalMs`. */
export function slotMonitorOverrides(template: CfnTemplate, intervalMs = 5000): Record<string, number> {
  return Object.fromEntries(slotMonitorScheduleIds(template).map((id) => [id, intervalMs]));
}

/**
 * What AWS does around alarms that no emulator does: evaluates the template's alarms (writing states to the
 * emulator's CloudWatch, changes to `<logDir>/oncall.jsonl`), publishes the AWS/SQS queue-depth metrics and
 * forwards the functions' EMF metric lines (CloudWatch Logs' job in AWS) with PutMetricData.
 */
export async function startLocalSlotGuard(
  access: AwsAccess,
  template: CfnTemplate,
  provisioned: Provisioned,
  logDir: string,
  options: LocalSlotGuardOptions = {},
): Promise<{ evaluator: AlarmEvaluator; stop(): Promise<void> }> {
  const scale = options.alarmTimeScale ?? DEFAULT_ALARM_TIME_SCALE;
  const periodMs = Math.round(60_000 / scale);
  const sqsMetrics = startSqsMetricsPublisher(access, provisioned, periodMs);
  const emf = startEmfForwarder(access, logDir, periodMs);
  const evaluator = await startAlarmEvaluator({
    access,
    template,
    provisioned,
    sinkFile: join(logDir, 'oncall.jsonl'),
    timeScale: scale,
    ...(options.onTransition ? { onTransition: options.onTransition } : {}),
  });
  return {
    evaluator,
    stop: async () => {
      await evaluator.stop();
      await sqsMetrics.stop();
      await emf.stop();
    },
  };
}
