import { join } from 'node:path';
import { type DebeziumServer, startDebezium } from '../../localstack/cloud/debezium/index.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';

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
    'runtime kinesisIdlePollMs': '250 (runtime default; startLocalCloud does not set it)',
    'router BatchSize / MaximumBatchingWindowInSeconds': '100 / 0 (cdk/lib/config.ts, AWS default window)',
    'runtime sqsWaitTimeSeconds': '2 (consumer long poll; returns as soon as a message is visible)',
  };
}

/**
 * Restarts the outbox connector with one more property in its task environment, from an in-memory copy of the
 * template (the template itself is not changed): the same offsets and slot, so nothing is lost or re-sent.
 */
export async function restartOutboxWith(
  cloud: LocalCloud,
  cloudState: string,
  environment: Record<string, string>,
): Promise<DebeziumServer> {
  await cloud.debezium?.stop();
  const template = structuredClone(cloud.template);
  for (const resource of Object.values(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::ECS::TaskDefinition') continue;
    const containers = resource.Properties?.ContainerDefinitions as
      | Array<{ Environment?: Array<{ Name: string; Value: unknown }> }>
      | undefined;
    for (const container of containers ?? [])
      container.Environment?.push(...Object.entries(environment).map(([Name, Value]) => ({ Name, Value })));
  }
  return startDebezium({
    template,
    provisioned: cloud.provisioned,
    connector: 'outbox',
    databaseUrl: cloud.database.cdc,
    access: cloud.aws,
    dataDir: join(cloudState, 'debezium', 'outbox'),
  });
}
