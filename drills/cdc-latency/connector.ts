import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { runtimeDefaults as rt } from '../../localstack/cloud/runtime/index.ts';

/** The tuning knobs on the path, as the template and runtime set them (Debezium defaults where unset). */
export function knobs(cloud: LocalCloud): Record<string, string> {
  const p = cloud.debezium?.config.properties ?? {};
  const get = (name: string, fallback: string) => p[name] ?? `${fallback} (Debezium default, not set)`;
  return {
    'debezium.source.poll.interval.ms': get('debezium.source.poll.interval.ms', '500'),
    'debezium.source.max.batch.size': get('debezium.source.max.batch.size', '2048'),
    'debezium.source.max.queue.size': get('debezium.source.max.queue.size', '8192'),
    'debezium.sink.kinesis.batch.size': get('debezium.sink.kinesis.batch.size', '500'),
    'debezium.source.heartbeat.interval.ms': get('debezium.source.heartbeat.interval.ms', '0'),
    'debezium.source.offset.flush.interval.ms': get('debezium.source.offset.flush.interval.ms', '60000'),
    'runtime kinesisIdlePollMs': `${rt.kinesisIdlePollMs} (runtime default; startLocalCloud does not set it)`,
    'router BatchSize / MaximumBatchingWindowInSeconds': '100 / 0 (cdk/lib/config.ts, AWS default window)',
    'runtime sqsWaitTimeSeconds': `${rt.sqsWaitTimeSeconds} (consumer long poll; returns as soon as a message is visible)`,
    'consumer BatchSize': '10 (cdk/lib/config.ts, the FIFO maximum)',
    'runtime receive loops per FIFO mapping': `${rt.sqsPollersFifo} (runtime default; backlog scaling off)`,
    'runtime containers per function': `up to ${rt.defaultConcurrency} (no ReservedConcurrentExecutions in the template)`,
  };
}
