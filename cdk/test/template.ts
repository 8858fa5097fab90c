import { Template } from 'aws-cdk-lib/assertions';
import { ENTRY_METADATA } from '../lib/entry-metadata.ts';
import { synthTemplate } from '../lib/synth.ts';

/** A synthesized resource: enough structure for the tests to walk. */
export interface Resource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
  Properties: Record<string, any>;
  Metadata?: Record<string, unknown>;
}

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
  return only(template, 'AWS::Lambda::Function', (r) => r.Metadata?.[ENTRY_METADATA] === entry);
}

/** `{ Ref: logicalId }` / `{ Fn::GetAtt: [logicalId, …] }` → logicalId. */
export function referencedId(value: unknown): string | undefined {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return v.Ref ?? v['Fn::GetAtt']?.[0];
}
