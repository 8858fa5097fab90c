/**
 * Environment variable of the on-call function: the prefix CloudFormation gives every queue and alarm of the
 * stack (`<stack name>-`). The panel shows only resources with it, not every queue and alarm of the account.
 */
export const ONCALL_NAME_PREFIX_ENV = 'ONCALL_NAME_PREFIX';

/** Which queues and alarms belong to this stack. */
export interface StackScope {
  /** e.g. `Holdline-`: CloudFormation names a resource `<stack>-<logical id>-<suffix>` unless told otherwise. */
  namePrefix: string;
}

/**
 * True for a queue or alarm name of this stack. Case-insensitive: the local cloud names the stack `holdline`
 * while alarms named in cdk/ from the stack name say `Holdline-`.
 */
export function inStack(scope: StackScope, name: string): boolean {
  return name.toLowerCase().startsWith(scope.namePrefix.toLowerCase());
}
