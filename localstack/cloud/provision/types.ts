import type { PseudoParameters, ResourceRefs } from './resolve.ts';

/**
 * How a resource came to be: `created` or `updated` (it already existed) against the emulator, `local` (the
 * local Lambda runtime plays it: functions, event-source mappings, schedules) or `synthetic` (not provisioned;
 * refs and attributes are made up so references to it still resolve).
 */
export type ResourceStatus = 'created' | 'updated' | 'local' | 'synthetic';

export interface ProvisionedResource extends ResourceRefs {
  type: string;
  status: ResourceStatus;
}

export interface Provisioned {
  resources: Record<string, ProvisionedResource>;
  /** Outputs resolved to strings (lists joined with commas). */
  outputs: Record<string, string>;
  /** Resolves intrinsics against the provisioned resources, e.g. a function's environment. */
  resolve(value: unknown): unknown;
  /** Resources not provisioned (IAM, EC2, Logs, ...), so a caller can print what the local cloud lacks. */
  skipped: { logicalId: string; type: string }[];
  /** Things provisioned with a gap (an emulator without UpdateTimeToLive, an ignored property, ...). */
  warnings: string[];
  pseudo: PseudoParameters;
}

/** What a per-type provisioner gets: the resolved properties and the physical name to use. */
export interface ProvisionInput {
  logicalId: string;
  props: Record<string, unknown>;
  name: string;
  pseudo: PseudoParameters;
  warn(message: string): void;
}

export type ProvisionOutput = ResourceRefs & { status: 'created' | 'updated' };
