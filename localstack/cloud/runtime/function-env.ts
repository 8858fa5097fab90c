import { randomUUID } from 'node:crypto';
import type { FunctionSpec } from './functions.ts';

/**
 * A function's process environment: PATH/HOME/TMPDIR from this process (nothing else is inherited, so a missing
 * setting fails as it would in AWS), the template's variables, the caller's local overlay, then the variables
 * Lambda itself sets.
 */
export function functionEnv(
  fn: FunctionSpec,
  localEnv: Record<string, string>,
  region: string,
  rootDir: string,
): Record<string, string> {
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR', 'LANG'].flatMap((key) => {
      const value = process.env[key];
      return value === undefined ? [] : [[key, value]];
    }),
  );
  return {
    ...inherited,
    ...fn.environment,
    ...localEnv,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: rootDir,
    _HANDLER: `${fn.entry}.${fn.handler}`,
    TZ: 'UTC',
    // Lets crash points (lambdas/shared/crash-points.ts) be armed here; the CDK app never sets it.
    HOLDLINE_LOCAL_RUNTIME: '1',
  };
}
