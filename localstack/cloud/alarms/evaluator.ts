import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CloudWatchClient,
  type MetricDataResult,
  PutMetricAlarmCommand,
  paginateGetMetricData,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { type AwsAccess, awsClientConfig } from '../../../lambdas/shared/aws-access.ts';
import type { CfnTemplate, Provisioned } from '../provision/index.ts';
import { periodValues, planAlarmReads } from './alarm-reads.ts';
import { type AlarmDefinition, alarmDefinitions } from './definitions.ts';
import { type AlarmState, evaluateAlarm } from './evaluate.ts';

export interface AlarmEvaluatorOptions {
  /** The cloud whose CloudWatch holds the metrics and alarms, and whose SNS pages. */
  access: AwsAccess;
  template: CfnTemplate;
  provisioned: Pick<Provisioned, 'resolve'>;
  /** JSONL on-call sink: one line per state change. */
  sinkFile: string;
  /** How often every alarm is evaluated. Default: every scaled period (CloudWatch: every minute). */
  intervalMs?: number;
  /**
   * Local speed-up: each alarm's Period is divided by this (60 s → 5 s with 12), so a drill sees in seconds what
   * AWS shows in minutes. M of N and missing-data treatment are unchanged. Default 1 (AWS periods). Logged.
   */
  timeScale?: number;
  /** Called on every state change (the on-call panel, drills). */
  onTransition?: (t: AlarmTransition) => void;
  now?: () => number;
}

export interface AlarmTransition {
  at: string;
  alarmName: string;
  severity: 'page' | 'warn' | 'unknown';
  from: AlarmState;
  to: AlarmState;
  reason: string;
  metric: string;
  /** The periods' values the decision saw, oldest first. */
  values: Array<number | null>;
}

export interface AlarmEvaluator {
  alarms: AlarmDefinition[];
  skipped: string[];
  states(): Record<string, AlarmState>;
  /** Evaluates every alarm once (the loop calls this). */
  evaluateOnce(): Promise<AlarmTransition[]>;
  stop(): Promise<void>;
}

/**
 * The local stand-in for CloudWatch's alarm engine (moto stores alarms but never evaluates them). Creates the
 * template's alarms in the emulator with PutMetricAlarm, then on a loop reads each alarm's metric with
 * GetMetricData (one value per period), applies `evaluateAlarm`, and on a change calls SetAlarmState — so
 * DescribeAlarms shows the state, as in AWS — appends the change to the on-call sink and publishes a
 * CloudWatch-shaped notification to the alarm's SNS actions.
 */
export async function startAlarmEvaluator(options: AlarmEvaluatorOptions): Promise<AlarmEvaluator> {
  const { alarms, skipped } = alarmDefinitions(options.template, options.provisioned);
  const scale = options.timeScale ?? 1;
  const now = options.now ?? Date.now;
  const cw = new CloudWatchClient(awsClientConfig(options.access));
  const sns = new SNSClient(awsClientConfig(options.access));
  mkdirSync(dirname(options.sinkFile), { recursive: true });
  const state: Record<string, AlarmState> = {};
  // In parallel: ~30 alarms × 2 calls one after the other took ~8 s against moto on a loaded machine.
  await Promise.all(
    alarms.map(async (a) => {
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: a.alarmName,
          AlarmDescription: a.description,
          Namespace: a.namespace,
          MetricName: a.metricName,
          Dimensions: a.dimensions,
          ...(a.extendedStatistic
            ? { ExtendedStatistic: a.extendedStatistic }
            : { Statistic: a.statistic as 'Maximum' }),
          Period: a.periodSeconds,
          EvaluationPeriods: a.evaluationPeriods,
          DatapointsToAlarm: a.datapointsToAlarm,
          Threshold: a.threshold,
          ComparisonOperator: a.comparisonOperator,
          TreatMissingData: a.treatMissingData,
          AlarmActions: a.alarmActions,
          OKActions: a.okActions,
        }),
      );
      // A new alarm starts in INSUFFICIENT_DATA in AWS.
      state[a.alarmName] = 'INSUFFICIENT_DATA';
      await cw.send(
        new SetAlarmStateCommand({
          AlarmName: a.alarmName,
          StateValue: 'INSUFFICIENT_DATA',
          StateReason: 'created by the local alarm evaluator',
        }),
      );
    }),
  );
  const sink = (line: unknown) => appendFileSync(options.sinkFile, `${JSON.stringify(line)}\n`);
  sink({
    at: new Date(now()).toISOString(),
    event: 'evaluator-started',
    alarms: alarms.length,
    timeScale: scale,
    note: scale === 1 ? undefined : `periods divided by ${scale} (local speed-up)`,
    skipped,
  });

  const periodMs = (a: AlarmDefinition) => Math.max(1, Math.round(a.periodSeconds / scale)) * 1000;
  const startedAt = now();
  // An alarm that breaches on missing data would page at once for the periods before this cloud existed, when
  // nothing could have published. It stays in its first state (INSUFFICIENT_DATA) until its whole evaluation
  // range lies after the evaluator's start.
  const rangeBeforeStart = (a: AlarmDefinition, at: number) =>
    a.treatMissingData === 'breaching' &&
    Math.floor(at / periodMs(a)) * periodMs(a) - a.evaluationPeriods * periodMs(a) < startedAt;

  /** Each alarm's period values at `at`, one GetMetricData per shared range (`alarm-reads.ts`). */
  async function readValues(at: number): Promise<Array<Array<number | null>>> {
    const out: Array<Array<number | null>> = alarms.map(() => []);
    await Promise.all(
      planAlarmReads(alarms, at, periodMs).map(async (read) => {
        const results: MetricDataResult[] = [];
        const pages = paginateGetMetricData(
          { client: cw },
          { StartTime: new Date(read.start), EndTime: new Date(read.end), MetricDataQueries: read.queries },
        );
        for await (const page of pages) results.push(...(page.MetricDataResults ?? []));
        for (const { alarm, id } of read.members) out[alarm] = periodValues(read, id, results);
      }),
    );
    return out;
  }

  async function evaluateOnce(): Promise<AlarmTransition[]> {
    const at = now();
    const changes: AlarmTransition[] = [];
    // Reads first (one call per shared range), decisions in order.
    const allValues = await readValues(at);
    for (const [i, a] of alarms.entries()) {
      if (rangeBeforeStart(a, at)) continue;
      const vals = allValues[i] ?? [];
      const from = state[a.alarmName] ?? 'INSUFFICIENT_DATA';
      const result = evaluateAlarm(a, vals, from);
      if (result.state === from) continue;
      state[a.alarmName] = result.state;
      await cw.send(
        new SetAlarmStateCommand({
          AlarmName: a.alarmName,
          StateValue: result.state,
          StateReason: result.reason,
        }),
      );
      const transition: AlarmTransition = {
        at: new Date(at).toISOString(),
        alarmName: a.alarmName,
        severity: severityOf(a),
        from,
        to: result.state,
        reason: result.reason,
        metric: `${a.namespace}/${a.metricName}${a.dimensions.map((d) => ` ${d.Name}=${d.Value}`).join('')}`,
        values: vals,
      };
      sink(transition);
      changes.push(transition);
      options.onTransition?.(transition);
      const topics = result.state === 'ALARM' ? a.alarmActions : result.state === 'OK' ? a.okActions : [];
      for (const topic of topics.filter((t) => t.startsWith('arn:aws:sns:')))
        await sns
          .send(
            new PublishCommand({
              TopicArn: topic,
              Subject: `${result.state}: "${a.alarmName}"`.slice(0, 100),
              Message: JSON.stringify({
                AlarmName: a.alarmName,
                AlarmDescription: a.description,
                NewStateValue: result.state,
                OldStateValue: from,
                NewStateReason: result.reason,
                StateChangeTime: transition.at,
              }),
            }),
          )
          .catch(() => {});
    }
    return changes;
  }

  const interval = options.intervalMs ?? Math.max(1000, Math.round(60_000 / scale));
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    running = running
      .then(() => evaluateOnce())
      .catch((error) => sink({ at: new Date().toISOString(), event: 'error', error: String(error) }));
  }, interval);

  return {
    alarms,
    skipped,
    states: () => ({ ...state }),
    evaluateOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
      cw.destroy();
      sns.destroy();
    },
  };
}

/** `[page]`/`[warn]` in the name or description (slot guard alarms); otherwise an alarm with actions pages. */
export function severityOf(
  a: Pick<AlarmDefinition, 'alarmName' | 'description' | 'alarmActions'>,
): AlarmTransition['severity'] {
  const text = `${a.alarmName} ${a.description}`;
  if (/\bwarn\b/.test(text) && !/-page-/.test(a.alarmName)) return 'warn';
  if (/\bpage\b/.test(text) || a.alarmActions.length > 0) return 'page';
  return 'unknown';
}
