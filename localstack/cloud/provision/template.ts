/** The parts of a synthesized CloudFormation template this module reads. */
export interface CfnTemplate {
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
}

export interface CfnParameter {
  Type: string;
  Default?: unknown;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, unknown>;
}

export interface CfnOutput {
  Value: unknown;
  Condition?: string;
  Export?: unknown;
}

/** The template's resources in declaration order (empty when it has none). */
export function resourcesOf(template: CfnTemplate): [string, CfnResource][] {
  return Object.entries(template.Resources ?? {});
}

/** Resources of one type, in declaration order. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return resourcesOf(template).filter(([, resource]) => resource.Type === type);
}

/** Narrows an unknown property value to a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
