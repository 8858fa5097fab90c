import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricAlarm,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  type AlarmState,
  type AlarmSummary,
  type Gauge,
  type GaugeMetric,
  gaugeDefinitions,
  type SeriesValue,
  summarizeGauge,
} from './gauges.ts';
import { inStack, type StackScope } from './stack-scope.ts';

export interface GaugeWindow {
  /** How far back the latest datapoint may be. Default 15 minutes. */
  lookbackSeconds: number;
  /** Datapoint period. Default 60 s (standard-resolution metrics). */
  periodSeconds: number;
}

const defaultWindow: GaugeWindow = { lookbackSeconds: 15 * 60, periodSeconds: 60 };

type Series = { metric: GaugeMetric; dimensions: Record<string, string> };

/**
 * Every dimension set CloudWatch lists for a metric, filtered by the gauge's `keep`; a queue's series only when
 * the queue is this stack's.
 */
async function listSeries(
  cw: Pick<CloudWatchClient, 'send'>,
  metric: GaugeMetric,
  scope: StackScope,
): Promise<Series[]> {
  const found: Series[] = [];
  let NextToken: string | undefined;
  do {
    const out = await cw.send(
      new ListMetricsCommand({ Namespace: metric.namespace, MetricName: metric.metricName, NextToken }),
    );
    for (const m of out.Metrics ?? []) {
      const dimensions = Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
      const queue = dimensions.QueueName;
      if (queue !== undefined && !inStack(scope, queue)) continue;
      if (!metric.keep || metric.keep(dimensions)) found.push({ metric, dimensions });
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return found;
}

/** The latest datapoint of each series in the window (GetMetricData, up to 500 queries a call). */
async function latestValues(
  cw: Pick<CloudWatchClient, 'send'>,
  series: readonly Series[],
  window: GaugeWindow,
  now: Date,
): Promise<Array<SeriesValue | undefined>> {
  const values: Array<SeriesValue | undefined> = [];
  for (let start = 0; start < series.length; start += 500) {
    const chunk = series.slice(start, start + 500);
    const queries: MetricDataQuery[] = chunk.map((s, i) => ({
      Id: `m${i}`,
      MetricStat: {
        Metric: {
          Namespace: s.metric.namespace,
          MetricName: s.metric.metricName,
          Dimensions: Object.entries(s.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: window.periodSeconds,
        Stat: s.metric.stat,
      },
      ReturnData: true,
    }));
    const out = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: new Date(now.getTime() - window.lookbackSeconds * 1000),
        EndTime: new Date(now.getTime() + window.periodSeconds * 1000),
        ScanBy: 'TimestampDescending',
      }),
    );
    const byId = new Map((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
    chunk.forEach((s, i) => {
      const result = byId.get(`m${i}`);
      const points = (result?.Timestamps ?? []).map((t, k) => ({
        t: new Date(t).getTime(),
        v: result?.Values?.[k],
      }));
      const latest = points.filter((p) => p.v !== undefined).sort((a, b) => b.t - a.t)[0];
      values.push(
        latest
          ? {
              metricName: s.metric.metricName,
              dimensions: s.dimensions,
              value: latest.v as number,
              at: new Date(latest.t).toISOString(),
            }
          : undefined,
      );
    });
  }
  return values;
}

export function alarmSummary(alarm: MetricAlarm): AlarmSummary {
  const metricNames = [
    ...(alarm.MetricName ? [alarm.MetricName] : []),
    ...(alarm.Metrics ?? []).flatMap((m) =>
      m.MetricStat?.Metric?.MetricName ? [m.MetricStat.Metric.MetricName] : [],
    ),
  ];
  return {
    name: alarm.AlarmName ?? '',
    state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmState,
    reason: alarm.StateReason ?? '',
    updatedAt: alarm.StateUpdatedTimestamp ? new Date(alarm.StateUpdatedTimestamp).toISOString() : null,
    metricNames,
  };
}

/**
 * This stack's metric alarms. Filtered here rather than with `AlarmNamePrefix`, which is case-sensitive (see
 * `inStack`); DescribeAlarms is a read of names and states only.
 */
async function stackAlarms(cw: Pick<CloudWatchClient, 'send'>, scope: StackScope): Promise<AlarmSummary[]> {
  const alarms: AlarmSummary[] = [];
  let NextToken: string | undefined;
  do {
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm'], NextToken }));
    alarms.push(...(out.MetricAlarms ?? []).map(alarmSummary).filter((a) => inStack(scope, a.name)));
    NextToken = out.NextToken;
  } while (NextToken);
  return alarms;
}

/** The four gauges from CloudWatch (ListMetrics → GetMetricData) and their alarms (DescribeAlarms), this stack's only. */
export async function readGauges(
  cw: Pick<CloudWatchClient, 'send'>,
  scope: StackScope,
  window: GaugeWindow = defaultWindow,
  now = new Date(),
): Promise<Gauge[]> {
  const alarms = await stackAlarms(cw, scope);
  const gauges: Gauge[] = [];
  for (const definition of gaugeDefinitions) {
    const main = (await Promise.all(definition.metrics.map((m) => listSeries(cw, m, scope)))).flat();
    const cap = definition.cap ? await listSeries(cw, definition.cap, scope) : [];
    const values = await latestValues(cw, [...main, ...cap], window, now);
    const present = (from: number, to: number) =>
      values.slice(from, to).filter((v): v is SeriesValue => v !== undefined);
    gauges.push(
      summarizeGauge(definition, present(0, main.length), present(main.length, values.length), alarms),
    );
  }
  return gauges;
}
