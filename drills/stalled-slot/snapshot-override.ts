import { DEBEZIUM_CONTAINER } from '../../cdk/lib/constructs/debezium-task.ts';
import { environmentName } from '../../cdk/lib/debezium-config.ts';
import { asRecord, type CfnTemplate, resourcesOfType } from '../../cdk/lib/template.ts';
import { CONNECTOR_NAMES } from '../../localstack/cloud/debezium/task-container.ts';

const SNAPSHOT_MODE_ENV = environmentName('debezium.source.snapshot.mode');
const TOPIC_PREFIX_ENV = environmentName('debezium.source.topic.prefix');

/** A copy of the template whose orders container has `snapshot.mode` = `mode`; throws if it has no such setting. */
export function withOrdersSnapshotMode(template: CfnTemplate, mode: string): CfnTemplate {
  const copy = structuredClone(template);
  for (const [, task] of resourcesOfType(copy, 'AWS::ECS::TaskDefinition')) {
    const containers = task.Properties?.ContainerDefinitions;
    for (const raw of Array.isArray(containers) ? containers : []) {
      const container = asRecord(raw);
      if (container?.Name !== DEBEZIUM_CONTAINER || !Array.isArray(container.Environment)) continue;
      const env = container.Environment as Array<{ Name: string; Value: unknown }>;
      if (!env.some((e) => e.Name === TOPIC_PREFIX_ENV && e.Value === CONNECTOR_NAMES.orders)) continue;
      const setting = env.find((e) => e.Name === SNAPSHOT_MODE_ENV);
      if (!setting) throw new Error(`the orders connector's container has no ${SNAPSHOT_MODE_ENV}`);
      setting.Value = mode;
      return copy;
    }
  }
  throw new Error('the template has no orders connector');
}
