export type { CfnOutput, CfnParameter, CfnResource, CfnTemplate } from '../../../cdk/lib/template.ts';
export * from './errors.ts';
export { assertKnownKeys, UnknownOptionError } from './options.ts';
export { type ProvisionOptions, provisionFromTemplate } from './provision.ts';
export {
  evaluateCondition,
  type PseudoParameters,
  pseudoParameters,
  type ResolveContext,
  type ResourceRefs,
  resolveValue,
} from './resolve.ts';
export type { Provisioned, ProvisionedResource, ResourceStatus } from './types.ts';
