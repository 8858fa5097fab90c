import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import type { Check, CheckContext, CheckOutcome } from '../types.ts';
import { clientConfig, fail, pass, sleep, unsupported } from './util.ts';

const metric = (ctx: CheckContext) => ({
  Namespace: `Holdline/Fidelity/${ctx.prefix}`,
  MetricName: 'SlotLagBytes',
  Dimensions: [{ Name: 'Slot', Value: 'holdline' }],
});
const alarmName = (ctx: CheckContext) => `${ctx.prefix}-slot-lag`;
const window = () => ({
  StartTime: new Date(Date.now() - 10 * 60_000),
  EndTime: new Date(Date.now() + 60_000),
});

// Datapoints and the alarm are shared by the checks below (memoized per run) so each check reads the same state.
const seeded = new Map<string, Promise<void>>();
function seed(cw: CloudWatchClient, ctx: CheckContext): Promise<void> {
  let existing = seeded.get(ctx.prefix);
  if (!existing) {
    existing = (async () => {
      const Timestamp = new Date();
      await cw.send(
        new PutMetricDataCommand({
          Namespace: metric(ctx).Namespace,
          MetricData: [1, 2, 3].map((Value) => {
            const { MetricName, Dimensions } = metric(ctx);
            return { MetricName, Dimensions, Value, Timestamp, Unit: 'Bytes' as const };
          }),
        }),
      );
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: alarmName(ctx),
          ...metric(ctx),
          Statistic: 'Maximum',
          Period: 10,
          EvaluationPeriods: 1,
          Threshold: 2,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        }),
      );
    })();
    seeded.set(ctx.prefix, existing);
  }
  return existing;
}

async function alarm(cw: CloudWatchClient, ctx: CheckContext): Promise<MetricAlarm | undefined> {
  const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName(ctx)] }));
  return out.MetricAlarms?.[0];
}

function cwCheck(
  id: string,
  title: string,
  body: (cw: CloudWatchClient, ctx: CheckContext) => Promise<CheckOutcome>,
): Check {
  return {
    id,
    title,
    async run(ctx) {
      const cw = new CloudWatchClient(clientConfig(ctx.endpoint));
      try {
        await seed(cw, ctx);
        return await body(cw, ctx);
      } finally {
        cw.destroy();
      }
    },
  };
}

export const cloudwatchChecks: Check[] = [
  cwCheck(
    'get-metric-statistics',
    'PutMetricData (1,2,3) then GetMetricStatistics Sum/Max/SampleCount',
    async (cw, ctx) => {
      const out = await cw.send(
        new GetMetricStatisticsCommand({
          ...metric(ctx),
          ...window(),
          Period: 60,
          Statistics: ['Sum', 'Maximum', 'SampleCount'],
        }),
      );
      const points = out.Datapoints ?? [];
      const sum = points.reduce((acc, p) => acc + (p.Sum ?? 0), 0);
      const count = points.reduce((acc, p) => acc + (p.SampleCount ?? 0), 0);
      const max = Math.max(...points.map((p) => p.Maximum ?? Number.NEGATIVE_INFINITY));
      const seen = `${points.length} datapoint(s): Sum=${sum} Max=${max} SampleCount=${count}`;
      return sum === 6 && max === 3 && count === 3 ? pass(seen) : fail(seen);
    },
  ),

  cwCheck('get-metric-data', 'GetMetricData MetricStat Sum returns the datapoints', async (cw, ctx) => {
    const out = await cw.send(
      new GetMetricDataCommand({
        ...window(),
        MetricDataQueries: [{ Id: 'm1', MetricStat: { Metric: metric(ctx), Period: 60, Stat: 'Sum' } }],
      }),
    );
    const values = out.MetricDataResults?.[0]?.Values ?? [];
    const sum = values.reduce((a, b) => a + b, 0);
    return sum === 6 ? pass(`Values=[${values}]`) : fail(`Values=[${values}]`);
  }),

  cwCheck('metric-math', 'GetMetricData expression m1*2', async (cw, ctx) => {
    const out = await cw.send(
      new GetMetricDataCommand({
        ...window(),
        MetricDataQueries: [
          { Id: 'm1', MetricStat: { Metric: metric(ctx), Period: 60, Stat: 'Sum' }, ReturnData: false },
          { Id: 'e1', Expression: 'm1 * 2' },
        ],
      }),
    );
    const e1 = out.MetricDataResults?.find((r) => r.Id === 'e1');
    const values = e1?.Values ?? [];
    const sum = values.reduce((a, b) => a + b, 0);
    return sum === 12
      ? pass(`e1=[${values}]`)
      : fail(`e1=[${values}] (status ${e1?.StatusCode ?? 'no result'})`);
  }),

  cwCheck('alarm-describe', 'PutMetricAlarm then DescribeAlarms', async (cw, ctx) => {
    const a = await alarm(cw, ctx);
    if (!a) return fail('alarm not returned');
    const seen = `found; threshold=${a.Threshold} op=${a.ComparisonOperator} initial state=${a.StateValue} (AWS: INSUFFICIENT_DATA)`;
    return a.Threshold === 2 && a.ComparisonOperator === 'GreaterThanThreshold' ? pass(seen) : fail(seen);
  }),

  cwCheck(
    'alarm-evaluation',
    'Alarm state changes by itself when data breaches (5 s wait, period 10 s)',
    async (cw, ctx) => {
      // A breaching value (3 > 2) is already in; give a generous margin beyond one 10 s period's start.
      await sleep(5000);
      const a = await alarm(cw, ctx);
      return a?.StateValue === 'ALARM'
        ? pass('evaluated to ALARM')
        : unsupported(
            `state stays ${a?.StateValue}: alarms are not evaluated — the local runtime must do it`,
          );
    },
  ),

  cwCheck('set-alarm-state', 'SetAlarmState is reflected by DescribeAlarms', async (cw, ctx) => {
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: alarmName(ctx),
        StateValue: 'ALARM',
        StateReason: 'fidelity probe',
      }),
    );
    const a = await alarm(cw, ctx);
    return a?.StateValue === 'ALARM'
      ? pass(`state=ALARM reason="${a.StateReason}"`)
      : fail(`state=${a?.StateValue} after SetAlarmState`);
  }),
];
