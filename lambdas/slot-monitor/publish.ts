import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricDatum } from './slot-health.ts';

/** The agreed namespace of Holdline's own metrics. */
export const NAMESPACE = 'Holdline';

/** PutMetricData in batches of 20 datums (well under the API's limit), all stamped with `at`. */
export async function publishMetrics(
  cw: CloudWatchClient,
  data: readonly MetricDatum[],
  at: Date,
): Promise<void> {
  for (let i = 0; i < data.length; i += 20) {
    await cw.send(
      new PutMetricDataCommand({
        Namespace: NAMESPACE,
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
