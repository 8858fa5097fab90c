import { DEBEZIUM_CONTAINER, DEBEZIUM_VERSION_LABEL } from '../../../cdk/lib/constructs/debezium-task.ts';
import { asRecord, type CfnTemplate, resourcesOfType } from '../../../cdk/lib/template.ts';
import { DebeziumTemplateError } from './errors.ts';

/** The connectors `cdk/lib/constructs/debezium-capture.ts` defines. */
export type DebeziumConnector = 'outbox' | 'orders' | 'rules';

/** Connector name (`topic.prefix`, also slot and publication name) per connector, as debezium-capture.ts names them. */
export const CONNECTOR_NAMES: Readonly<Record<DebeziumConnector, string>> = {
  outbox: 'holdline_outbox',
  orders: 'holdline_orders',
  rules: 'holdline_rules',
};

const TOPIC_PREFIX_ENV = 'DEBEZIUM_SOURCE_TOPIC_PREFIX';

/** The Debezium container of one ECS task definition, as Fargate would start it. */
export interface DebeziumTaskContainer {
  connector: DebeziumConnector;
  taskLogicalId: string;
  image: string;
  /** Debezium Server release inside the image (its `DEBEZIUM_VERSION_LABEL` Docker label). */
  version: string;
  /** `Environment`, every value resolved against the provisioned resources. */
  environment: Record<string, string>;
  /** `Secrets`: environment name → JSON field of the Secrets Manager secret ECS would inject. */
  secrets: Record<string, string>;
}

/**
 * Finds the task definition whose `debezium` container runs `connector` (matched on `topic.prefix`) and
 * resolves its environment. Throws when there is not exactly one, so a renamed connector fails loudly.
 */
export function debeziumTaskContainer(
  template: CfnTemplate,
  connector: DebeziumConnector,
  resolve: (value: unknown) => unknown,
): DebeziumTaskContainer {
  const wanted = CONNECTOR_NAMES[connector];
  const found: DebeziumTaskContainer[] = [];
  const seen: string[] = [];
  for (const [logicalId, task] of resourcesOfType(template, 'AWS::ECS::TaskDefinition')) {
    const containers = task.Properties?.ContainerDefinitions;
    if (!Array.isArray(containers)) continue;
    for (const raw of containers) {
      const container = asRecord(raw);
      if (container?.Name !== DEBEZIUM_CONTAINER) continue;
      const environment = resolveEnvironment(connector, logicalId, container.Environment, resolve);
      const prefix = environment[TOPIC_PREFIX_ENV];
      seen.push(`${logicalId} (${prefix ?? `no ${TOPIC_PREFIX_ENV}`})`);
      if (prefix !== wanted) continue;
      found.push({
        connector,
        taskLogicalId: logicalId,
        image: String(resolve(container.Image)),
        version: imageRelease(connector, logicalId, container.DockerLabels),
        environment,
        secrets: secretFields(connector, container.Secrets, resolve),
      });
    }
  }
  if (found.length !== 1)
    throw new DebeziumTemplateError(
      connector,
      `expected one task definition with a "${DEBEZIUM_CONTAINER}" container whose ${TOPIC_PREFIX_ENV} is ` +
        `"${wanted}", found ${found.length}; Debezium containers in the template: ${seen.join(', ') || 'none'}`,
    );
  return found[0]!;
}

function imageRelease(connector: DebeziumConnector, logicalId: string, labels: unknown): string {
  const version = asRecord(labels)?.[DEBEZIUM_VERSION_LABEL];
  if (typeof version !== 'string' || version === '')
    throw new DebeziumTemplateError(connector, `${logicalId}: no Docker label ${DEBEZIUM_VERSION_LABEL}`);
  return version;
}

function resolveEnvironment(
  connector: DebeziumConnector,
  logicalId: string,
  entries: unknown,
  resolve: (value: unknown) => unknown,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const raw of Array.isArray(entries) ? entries : []) {
    const entry = asRecord(raw);
    const name = entry?.Name;
    if (typeof name !== 'string') continue;
    try {
      environment[name] = String(resolve(entry?.Value));
    } catch (error) {
      throw new DebeziumTemplateError(connector, `${logicalId}: environment ${name} does not resolve`, {
        cause: error,
      });
    }
  }
  return environment;
}

/** `ValueFrom` is `<secret arn>:<json key>:<version stage>:<version id>`; the key is all the local cloud needs. */
function secretFields(
  connector: DebeziumConnector,
  entries: unknown,
  resolve: (value: unknown) => unknown,
): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const raw of Array.isArray(entries) ? entries : []) {
    const entry = asRecord(raw);
    const name = entry?.Name;
    if (typeof name !== 'string') continue;
    const parts = String(resolve(entry?.ValueFrom)).split(':');
    const field = parts.length >= 4 ? parts[parts.length - 3] : undefined;
    if (!field)
      throw new DebeziumTemplateError(connector, `secret ${name} does not name a JSON field of its secret`);
    secrets[name] = field;
  }
  return secrets;
}
