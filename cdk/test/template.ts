import { Template } from 'aws-cdk-lib/assertions';
import { synthTemplate } from '../lib/synth.ts';
import { type CfnResource, type CfnTemplate, functionIdsByEntry } from '../lib/template.ts';
import { READ_ONLY_SYNTH_ISSUER } from '../lib/token-issuer.ts';

/** A synthesized resource, its properties walked without narrowing (the tests know the CDK output). */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
export type Resource = CfnResource<Record<string, any>> & { Properties: Record<string, any> };

/**
 * Provider URLs for tests (cdk/lib/providers.ts): a deploy must name its providers, and most tests are about
 * something else. Put under every context that does not choose providers itself (`providers=stub`).
 */
export const TEST_PROVIDERS = {
  paymentGatewayUrl: 'https://payments.test',
  inventoryServiceUrl: 'https://inventory.test',
  notificationServiceUrl: 'https://notifications.test',
} as const;

/** Provider URLs unless the context chooses the stub, and an issuer unless it names one. */
const withProviders = (context: Record<string, unknown>): Record<string, unknown> => ({
  ...READ_ONLY_SYNTH_ISSUER,
  ...('providers' in context ? {} : TEST_PROVIDERS),
  ...context,
});

/** Templates synthesized so far in this worker, by context. Unit test files share a worker (`isolate: false`). */
const synthesized = new Map<string, CfnTemplate>();

/** The context as a key that ignores the order its switches were written in. */
const contextKey = (context: Record<string, unknown>): string =>
  JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The stack's template (no bundling) for the given context, as JSON of the caller's own to read or change.
 * A synth costs about a second and most test files want the same few contexts, so each context is synthesized
 * once per worker and copied out. A context naming a built UI (`webDist`) is synthesized every time: its template
 * depends on what that directory holds, not on the context alone. A context that fails to synth throws every time.
 */
export function holdlineTemplateJson(given: Record<string, unknown> = {}): CfnTemplate {
  const context = withProviders(given);
  if ('webDist' in context) return synthTemplate({ context });
  const key = contextKey(context);
  let template = synthesized.get(key);
  if (template === undefined) {
    template = synthTemplate({ context });
    synthesized.set(key, template);
  }
  return structuredClone(template);
}

/** The stack's template (no bundling) for the given context, wrapped for assertions; see holdlineTemplateJson. */
export function holdlineTemplate(context?: Record<string, unknown>): Template {
  return Template.fromJSON(holdlineTemplateJson(context));
}

/** Resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The single resource of a type whose properties satisfy `match`; throws unless exactly one does. */
export function only(template: Template, type: string, match: (r: Resource) => boolean): [string, Resource] {
  const found = Object.entries(resourcesOf(template, type)).filter(([, r]) => match(r));
  if (found.length !== 1) throw new Error(`expected one ${type} to match, found ${found.length}`);
  return found[0]!;
}

/** The Lambda function whose `holdline:entry` metadata is `entry`. */
export function functionByEntry(template: Template, entry: string): [string, Resource] {
  const ids = functionIdsByEntry(template.toJSON() as CfnTemplate, entry);
  if (ids.length !== 1) throw new Error(`expected one function with entry ${entry}, found ${ids.length}`);
  return [ids[0]!, resourcesOf(template, 'AWS::Lambda::Function')[ids[0]!]!];
}

/** `{ Ref: logicalId }` / `{ Fn::GetAtt: [logicalId, …] }` → logicalId. */
export function referencedId(value: unknown): string | undefined {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return v.Ref ?? v['Fn::GetAtt']?.[0];
}
