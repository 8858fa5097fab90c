import { isAbsolute, resolve } from 'node:path';
import { ENTRY_METADATA, HANDLER_METADATA } from '../../../cdk/lib/entry-metadata.ts';
import { asRecord, type CfnTemplate, resourcesOfType } from '../../../cdk/lib/template.ts';
import type { Provisioned } from '../provision/index.ts';
import { RuntimeConfigError } from './errors.ts';

/** Lambda's defaults when the template does not say: 3 s, 128 MB. */
export const defaultTimeoutSec = 3;
export const defaultMemoryMb = 128;

/** One function as the local runtime runs it. */
export interface FunctionSpec {
  logicalId: string;
  /** Local function name (the provisioned Ref). */
  name: string;
  arn: string;
  /** Absolute path of the TypeScript entry module (from `holdline:entry`). */
  entry: string;
  /** Export name (from `holdline:handler`). */
  handler: string;
  /** The template's `Runtime`, e.g. `nodejs22.x`: names the Node the workers run on (lambda-node.ts). */
  runtime: string;
  timeoutSec: number;
  memoryMb: number;
  /** The template's Environment.Variables, resolved; the runtime overlays the caller's local environment. */
  environment: Record<string, string>;
  /** Execution role ARN (synthetic locally); Kinesis events carry it as invokeIdentityArn. */
  roleArn: string;
  /** ReservedConcurrentExecutions, if the template sets it. */
  reservedConcurrency?: number;
}

export interface FunctionScan {
  functions: FunctionSpec[];
  /** Functions without `holdline:entry` metadata (CDK helper functions, custom resources): not runnable locally. */
  withoutEntry: string[];
}

/** Reads every AWS::Lambda::Function of the template that carries `holdline:entry` / `holdline:handler`. */
export function readFunctions(
  template: CfnTemplate,
  provisioned: Provisioned,
  rootDir: string,
): FunctionScan {
  const functions: FunctionSpec[] = [];
  const withoutEntry: string[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const refs = provisioned.resources[logicalId];
    if (refs === undefined) continue; // its Condition was false
    const entry = resource.Metadata?.[ENTRY_METADATA];
    if (typeof entry !== 'string') {
      withoutEntry.push(logicalId);
      continue;
    }
    const handler = resource.Metadata?.[HANDLER_METADATA] ?? 'handler';
    if (typeof handler !== 'string')
      throw new RuntimeConfigError(logicalId, 'holdline:handler must be a string');
    const props = resource.Properties ?? {};
    const resolved = (key: string) =>
      props[key] === undefined ? undefined : provisioned.resolve(props[key]);
    const reserved = resolved('ReservedConcurrentExecutions');
    const runtime = resolved('Runtime');
    if (typeof runtime !== 'string')
      throw new RuntimeConfigError(logicalId, 'Runtime must be set: the local worker runs the Node it names');
    const arn = refs.attrs.Arn;
    if (arn === undefined) throw new RuntimeConfigError(logicalId, 'provisioned function has no Arn');
    functions.push({
      logicalId,
      name: refs.ref,
      arn,
      entry: isAbsolute(entry) ? entry : resolve(rootDir, entry),
      handler,
      runtime,
      timeoutSec: Number(resolved('Timeout') ?? defaultTimeoutSec),
      memoryMb: Number(resolved('MemorySize') ?? defaultMemoryMb),
      environment: environmentOf(logicalId, resolved('Environment')),
      roleArn: String(resolved('Role') ?? ''),
      ...(reserved === undefined ? {} : { reservedConcurrency: Number(reserved) }),
    });
  }
  return { functions, withoutEntry };
}

function environmentOf(logicalId: string, environment: unknown): Record<string, string> {
  const variables = asRecord(asRecord(environment)?.Variables) ?? {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    if (typeof value === 'object' && value !== null) {
      throw new RuntimeConfigError(logicalId, `environment variable ${key} did not resolve to a string`);
    }
    out[key] = String(value);
  }
  return out;
}
