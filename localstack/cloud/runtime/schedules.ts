import { randomUUID } from 'node:crypto';
import { asRecord, type CfnTemplate, resourcesOf } from '../../../cdk/lib/template.ts';
import type { Provisioned } from '../provision/index.ts';
import { RuntimeConfigError } from './errors.ts';
import type { FunctionSpec } from './functions.ts';

/** One function target of a schedule. */
export interface ScheduleSpec {
  /** Logical id of the AWS::Events::Rule or AWS::Scheduler::Schedule. */
  logicalId: string;
  kind: 'rule' | 'scheduler';
  expression: string;
  arn: string;
  functionId: string;
  /** The target's constant Input (parsed JSON), if it has one; replaces the scheduled event. */
  input?: unknown;
  /** How often it fires locally. */
  intervalMs: number;
  /** True when `intervalMs` comes from the caller's scheduleOverrides rather than the expression. */
  overridden: boolean;
}

const unitMs: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Milliseconds of a `rate(N unit)` expression; undefined for `cron(...)`, `at(...)` or anything else. */
export function parseRate(expression: string): number | undefined {
  const match = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(expression.trim());
  if (!match) return undefined;
  return Number(match[1]) * (unitMs[match[2] ?? ''] ?? Number.NaN);
}

export interface ScheduleScan {
  schedules: ScheduleSpec[];
  /** Schedules that will not fire locally, with the reason. */
  ignored: string[];
}

/**
 * Reads enabled schedules that target local functions. `overrides` (logical id → interval in ms) replaces the
 * expression's interval — a monitor that runs every minute in AWS may run every few seconds locally — and makes a
 * `cron(...)` schedule fire at all. An override naming no schedule is an error (a typo would silently do nothing).
 */
export function readSchedules(
  template: CfnTemplate,
  provisioned: Provisioned,
  functions: FunctionSpec[],
  overrides: Readonly<Record<string, number>>,
): ScheduleScan {
  const schedules: ScheduleSpec[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  for (const [logicalId, resource] of resourcesOf(template)) {
    const kind =
      resource.Type === 'AWS::Events::Rule'
        ? 'rule'
        : resource.Type === 'AWS::Scheduler::Schedule'
          ? 'scheduler'
          : undefined;
    const refs = provisioned.resources[logicalId];
    if (kind === undefined || refs === undefined) continue;
    const props = asRecord(provisioned.resolve(resource.Properties ?? {})) ?? {};
    if (typeof props.ScheduleExpression !== 'string') continue; // an event-pattern rule, not a schedule
    seen.add(logicalId);
    if (props.State !== undefined && !String(props.State).startsWith('ENABLED')) {
      ignored.push(`${logicalId}: disabled`);
      continue;
    }
    const override = overrides[logicalId];
    const intervalMs = override ?? parseRate(props.ScheduleExpression);
    if (intervalMs === undefined) {
      ignored.push(
        `${logicalId}: ${props.ScheduleExpression} is not a rate(); give a scheduleOverrides interval`,
      );
      continue;
    }
    const targets = kind === 'rule' ? ((props.Targets as unknown[] | undefined) ?? []) : [props.Target];
    for (const target of targets.map((t) => asRecord(t) ?? {})) {
      const fn = functions.find((f) => target.Arn === f.arn || String(target.Arn).startsWith(`${f.arn}:`));
      if (fn === undefined) {
        ignored.push(`${logicalId}: target ${String(target.Arn)} is not a local function`);
        continue;
      }
      if (target.InputPath !== undefined || target.InputTransformer !== undefined) {
        ignored.push(
          `${logicalId}: InputPath/InputTransformer not applied; the function gets the scheduled event`,
        );
      }
      schedules.push({
        logicalId,
        kind,
        expression: props.ScheduleExpression,
        arn: refs.attrs.Arn ?? '',
        functionId: fn.logicalId,
        ...(typeof target.Input === 'string' ? { input: JSON.parse(target.Input) } : {}),
        intervalMs,
        overridden: override !== undefined,
      });
    }
  }
  const unknown = Object.keys(overrides).filter((id) => !seen.has(id));
  if (unknown.length > 0)
    throw new RuntimeConfigError(unknown.join(', '), 'scheduleOverrides names no schedule');
  return { schedules, ignored };
}

/** The event a schedule delivers: the target's Input if set, else EventBridge's "Scheduled Event" (Scheduler: `{}`). */
export function scheduledEvent(
  spec: ScheduleSpec,
  region: string,
  account: string,
  now = new Date(),
): unknown {
  if ('input' in spec) return spec.input;
  if (spec.kind === 'scheduler') return {};
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [spec.arn],
    detail: {},
  };
}
