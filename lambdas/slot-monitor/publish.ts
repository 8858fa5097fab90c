import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { METRIC_NAMESPACE, metricNames } from '../shared/metric-names.ts';
import type { MetricDatum } from './slot-health.ts';

/** PutMetricData in batches of 20 datums (well under the API's limit), all stamped with `at`. */
export async function publishMetrics(
  cw: CloudWatchClient,
  data: readonly MetricDatum[],
  at: Date,
): Promise<void> {
  for (let i = 0; i < data.length; i += 20) {
    await cw.send(
      new PutMetricDataCommand({
        Namespace: METRIC_NAMESPACE,
        MetricData: data.slice(i, i + 20).map((d) => ({
          MetricName: d.name,
          Value: d.value,
          Unit: d.unit,
          Timestamp: at,
          ...(d.slotName ? { Dimensions: [{ Name: 'SlotName', Value: d.slotName }] } : {}),
        })),
      }),
    );
  }
}

/** `DependencyDown` with `Dependency` = `database`: 1 when this run could not reach Postgres, else 0. */
export async function publishDatabaseReachability(cw: CloudWatchClient, reachable: boolean, at: Date) {
  await cw.send(
    new PutMetricDataCommand({
      Namespace: METRIC_NAMESPACE,
      MetricData: [
        {
          MetricName: metricNames.dependencyDown,
          Value: reachable ? 0 : 1,
          Unit: 'Count',
          Timestamp: at,
          Dimensions: [{ Name: 'Dependency', Value: 'database' }],
        },
      ],
    }),
  );
}
