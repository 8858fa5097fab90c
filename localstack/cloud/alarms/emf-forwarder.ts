import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type AwsAccess, awsClientConfig } from '../../../lambdas/shared/aws-access.ts';
import { emfToMetricData } from './emf.ts';
import { aggregateMetricData } from './emf-aggregate.ts';

/**
 * The local stand-in for CloudWatch Logs' EMF extraction: follows the local runtime's function logs
 * (`<logDir>/lambda-*.log`) from their current end and sends every EMF line's metrics with PutMetricData,
 * one datum per metric and second (`emf-aggregate.ts` says why).
 */
export function startEmfForwarder(
  access: AwsAccess,
  logDir: string,
  intervalMs: number,
  onError: (error: unknown) => void = () => {},
): { stop(): Promise<void> } {
  const cw = new CloudWatchClient(awsClientConfig(access));
  const offsets = new Map<string, number>();
  const files = () =>
    existsSync(logDir)
      ? readdirSync(logDir).filter((f) => /^lambda-.*\.log$/.test(f) && f !== 'lambda-runtime.log')
      : [];
  // Start at the end: metrics of an earlier run are not replayed.
  for (const f of files()) offsets.set(f, statSync(join(logDir, f)).size);
  const partial = new Map<string, string>();

  async function forwardOnce(): Promise<void> {
    const byNamespace = new Map<string, MetricDatum[]>();
    for (const f of files()) {
      const path = join(logDir, f);
      const size = statSync(path).size;
      const from = offsets.get(f) ?? 0;
      if (size <= from) continue;
      const buffer = Buffer.alloc(size - from);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buffer, 0, buffer.length, from);
      } finally {
        closeSync(fd);
      }
      offsets.set(f, size);
      const text = (partial.get(f) ?? '') + buffer.toString('utf8');
      const lines = text.split('\n');
      partial.set(f, lines.pop() ?? '');
      for (const line of lines)
        for (const { namespace, datum } of emfToMetricData(line)) {
          const list = byNamespace.get(namespace) ?? [];
          list.push(datum);
          byNamespace.set(namespace, list);
        }
    }
    for (const [namespace, samples] of byNamespace) {
      const data = aggregateMetricData(samples);
      for (let i = 0; i < data.length; i += 20)
        await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 20) }));
    }
  }

  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(forwardOnce).catch(onError);
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running.catch(() => {});
      cw.destroy();
    },
  };
}
