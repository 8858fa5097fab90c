import type { Context } from 'aws-lambda';

export interface ContextInput {
  requestId: string;
  functionName: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  deadlineMs: number;
  /** Clock for getRemainingTimeInMillis. Default Date.now. */
  now?: () => number;
}

/**
 * The `context` a Node.js Lambda handler receives. The deprecated done/fail/succeed callbacks throw: handlers here
 * are async, and a silent no-op would hide a handler that still relies on them.
 */
export function lambdaContext(input: ContextInput): Context {
  const now = input.now ?? Date.now;
  const deprecated = (name: string) => () => {
    throw new Error(
      `context.${name}() is deprecated and not supported by the local runtime; return or throw`,
    );
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: input.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: input.invokedFunctionArn,
    memoryLimitInMB: input.memoryLimitInMB,
    awsRequestId: input.requestId,
    logGroupName: input.logGroupName,
    logStreamName: input.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, input.deadlineMs - now()),
    done: deprecated('done'),
    fail: deprecated('fail'),
    succeed: deprecated('succeed'),
  };
}
