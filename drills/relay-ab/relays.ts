import { config } from '../../cdk/lib/config.ts';
import type { CfnTemplate } from '../../localstack/cloud/provision/index.ts';

/** The template's Debezium `poll.interval.ms`, and the what-if arm's: Debezium's own default. */
export const TEMPLATE_POLL_MS = config.debeziumPollInterval.toMilliseconds();
export const WHAT_IF_POLL_MS = 500;
/** The polling relay's interval in this bench. */
export const POLL_INTERVAL_MS = 500;

/** A copy of the template with extra environment on every Debezium container (the template is not changed). */
export function withDebeziumEnv(template: CfnTemplate, environment: Record<string, string>): CfnTemplate {
  const copy = structuredClone(template);
  for (const resource of Object.values(copy.Resources ?? {})) {
    if (resource.Type !== 'AWS::ECS::TaskDefinition') continue;
    const containers = resource.Properties?.ContainerDefinitions as
      | Array<{ Environment?: Array<{ Name: string; Value: unknown }> }>
      | undefined;
    for (const container of containers ?? []) {
      const env = (container.Environment ?? []).filter((e) => !(e.Name in environment));
      container.Environment = [
        ...env,
        ...Object.entries(environment).map(([Name, Value]) => ({ Name, Value })),
      ];
    }
  }
  return copy;
}
