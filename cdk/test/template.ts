import { Template } from 'aws-cdk-lib/assertions';
import { synthTemplate } from '../lib/synth.ts';
import { type CfnResource, type CfnTemplate, functionIdsByEntry } from '../lib/template.ts';

/** A synthesized resource, its properties walked without narrowing (the tests know the CDK output). */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
export type Resource = CfnResource<Record<string, any>> & { Properties: Record<string, any> };

/** Synthesizes the stack (no bundling) for the given context and wraps it for assertions. */
export function holdlineTemplate(context?: Record<string, unknown>): Template {
  return Template.fromJSON(synthTemplate({ context }));
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
