import type { MetricDatum } from '@aws-sdk/client-cloudwatch';

interface EmfDirective {
  Namespace: string;
  Dimensions?: string[][];
  Metrics: Array<{ Name: string; Unit?: string }>;
}

/**
 * What CloudWatch Logs does with an Embedded Metric Format line (Powertools Metrics prints them): one datum per
 * metric × dimension set, values from the line's top-level fields (an array value is several samples).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * Returns [] for anything that is not an EMF object.
 */
export function emfToMetricData(line: string): Array<{ namespace: string; datum: MetricDatum }> {
  const start = line.indexOf('{"_aws"');
  if (start < 0) return [];
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(line.slice(start)) as Record<string, unknown>;
  } catch {
    return [];
  }
  const aws = doc._aws as { Timestamp?: number; CloudWatchMetrics?: EmfDirective[] } | undefined;
  if (!aws?.CloudWatchMetrics) return [];
  const timestamp = new Date(aws.Timestamp ?? Date.now());
  const out: Array<{ namespace: string; datum: MetricDatum }> = [];
  for (const directive of aws.CloudWatchMetrics) {
    const dimensionSets = directive.Dimensions?.length ? directive.Dimensions : [[]];
    for (const metric of directive.Metrics) {
      const raw = doc[metric.Name];
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');
      if (values.length === 0) continue;
      for (const set of dimensionSets) {
        const dims = set.map((name) => ({ Name: name, Value: String(doc[name]) }));
        out.push({
          namespace: directive.Namespace,
          datum: {
            MetricName: metric.Name,
            ...(metric.Unit ? { Unit: metric.Unit as MetricDatum['Unit'] } : {}),
            Timestamp: timestamp,
            ...(dims.length ? { Dimensions: dims } : {}),
            ...(values.length === 1 ? { Value: values[0] } : { Values: values }),
          },
        });
      }
    }
  }
  return out;
}
