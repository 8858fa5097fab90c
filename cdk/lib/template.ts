import { ENTRY_METADATA } from './entry-metadata.ts';

/**
 * A synthesized CloudFormation template, as the local cloud, the diagram, the tools and the drills read it: the one
 * declaration of its shape. `P` is how a resource's properties are typed: unknown values by default (narrow them
 * with `asRecord`), or `any` for code that walks known CDK output (the diagram).
 */
export interface CfnTemplate<P = Record<string, unknown>> {
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
  Resources?: Record<string, CfnResource<P>>;
  Outputs?: Record<string, CfnOutput>;
}

export interface CfnParameter {
  Type: string;
  Default?: unknown;
}

export interface CfnResource<P = Record<string, unknown>> {
  Type: string;
  Properties?: P;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, unknown>;
  /** What a stack deletion does with it; CloudFormation's default is Delete. */
  DeletionPolicy?: 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';
}

export interface CfnOutput {
  Value: unknown;
  Condition?: string;
  Export?: unknown;
}

/** The template's resources in declaration order (empty when it has none). */
export function resourcesOf<P>(template: CfnTemplate<P>): [string, CfnResource<P>][] {
  return Object.entries(template.Resources ?? {});
}

/** Resources of one type, in declaration order. */
export function resourcesOfType<P>(template: CfnTemplate<P>, type: string): [string, CfnResource<P>][] {
  return resourcesOf(template).filter(([, resource]) => resource.Type === type);
}

/** Narrows an unknown property value to a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Logical ids of the Lambda functions whose `holdline:entry` metadata is `entry` (the template's one name for a
 *  function's code), in declaration order. */
export function functionIdsByEntry<P>(template: CfnTemplate<P>, entry: string): string[] {
  return resourcesOfType(template, 'AWS::Lambda::Function')
    .filter(([, r]) => r.Metadata?.[ENTRY_METADATA] === entry)
    .map(([id]) => id);
}

/** Logical id of the one function whose entry is `entry`; a clear error when there is none. */
export function functionIdByEntry<P>(template: CfnTemplate<P>, entry: string): string {
  const [id] = functionIdsByEntry(template, entry);
  if (id === undefined) throw new Error(`the template has no function with entry ${entry}`);
  return id;
}

/** Logical ids of the event-source mappings that invoke function `functionId`. */
export function mappingIdsOf<P>(template: CfnTemplate<P>, functionId: string): string[] {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
    .filter(([, r]) => refersTo(asRecord(r.Properties)?.FunctionName, functionId))
    .map(([id]) => id);
}

/** Logical ids of the schedule rules with a target that invokes function `functionId`. */
export function scheduleIdsOf<P>(template: CfnTemplate<P>, functionId: string): string[] {
  return resourcesOfType(template, 'AWS::Events::Rule')
    .filter(([, r]) => {
      const targets = asRecord(r.Properties)?.Targets;
      return Array.isArray(targets) && targets.some((t) => refersTo(asRecord(t)?.Arn, functionId));
    })
    .map(([id]) => id);
}

/** `{ Ref: id }` or `{ "Fn::GetAtt": [id, …] }` naming `logicalId`. */
function refersTo(value: unknown, logicalId: string): boolean {
  const v = asRecord(value);
  const getAtt = v?.['Fn::GetAtt'];
  return v?.Ref === logicalId || (Array.isArray(getAtt) && getAtt[0] === logicalId);
}
