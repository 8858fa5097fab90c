import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricAlarm,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { type GaugeWindow, gaugeWindow } from './gauge-window.ts';
import {
  type AlarmState,
  type AlarmSummary,
  type Gauge,
  type GaugeDefinition,
  type GaugeMetric,
  gaugeDefinitions,
  type SeriesHistory,
  seriesLabel,
  summarizeGauge,
} from './gauges.ts';
import { inStack, type StackScope } from './stack-scope.ts';

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

/** Every datapoint of each series in the chart's window, oldest first (GetMetricData, up to 500 queries a call). */
async function histories(
  cw: Pick<CloudWatchClient, 'send'>,
  definition: GaugeDefinition,
  series: readonly Series[],
  scope: StackScope,
  window: GaugeWindow,
  now: Date,
): Promise<SeriesHistory[]> {
  const found: SeriesHistory[] = [];
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
    const points = new Map<string, Array<{ t: number; v: number }>>();
    let NextToken: string | undefined;
    do {
      const out = await cw.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(now.getTime() - window.chartSeconds * 1000),
          EndTime: new Date(now.getTime() + window.periodSeconds * 1000),
          ScanBy: 'TimestampAscending',
          NextToken,
        }),
      );
      for (const result of out.MetricDataResults ?? []) {
        const list = points.get(result.Id ?? '') ?? [];
        (result.Timestamps ?? []).forEach((t, k) => {
          const v = result.Values?.[k];
          if (v !== undefined) list.push({ t: new Date(t).getTime(), v });
        });
        points.set(result.Id ?? '', list);
      }
      NextToken = out.NextToken;
    } while (NextToken);
    chunk.forEach((s, i) => {
      found.push({
        label: seriesLabel(definition, s.metric.metricName, s.dimensions, scope.namePrefix),
        metricName: s.metric.metricName,
        dimensions: s.dimensions,
        points: (points.get(`m${i}`) ?? [])
          .sort((a, b) => a.t - b.t)
          .map((p) => ({ at: new Date(p.t).toISOString(), value: p.v })),
      });
    });
  }
  return found;
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
    threshold: alarm.Threshold ?? null,
    comparison: alarm.ComparisonOperator ?? null,
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

/**
 * The four gauges from CloudWatch (ListMetrics → GetMetricData over the chart's window) and their alarms
 * (DescribeAlarms), this stack's only.
 */
export async function readGauges(
  cw: Pick<CloudWatchClient, 'send'>,
  scope: StackScope,
  window: GaugeWindow = gaugeWindow(),
  now = new Date(),
): Promise<Gauge[]> {
  const alarms = await stackAlarms(cw, scope);
  const since = new Date(now.getTime() - window.latestSeconds * 1000);
  const gauges: Gauge[] = [];
  for (const definition of gaugeDefinitions) {
    const main = (await Promise.all(definition.metrics.map((m) => listSeries(cw, m, scope)))).flat();
    const cap = definition.cap ? await listSeries(cw, definition.cap, scope) : [];
    const all = await histories(cw, definition, [...main, ...cap], scope, window, now);
    gauges.push(summarizeGauge(definition, all.slice(0, main.length), all.slice(main.length), alarms, since));
  }
  return gauges;
}
