/** The error body Lambda returns for a failed invocation (as in the Invoke API payload). */
export interface LambdaErrorBody {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/**
 * Why an invocation failed: `handled` = the handler threw or rejected; `timeout` = it ran past Timeout and the
 * process was killed; `crash` = the process died mid-invocation (process.exit, SIGKILL, out of memory);
 * `init` = the module failed to load or has no such export.
 */
export type FailureKind = 'handled' | 'timeout' | 'crash' | 'init';

interface InvokeMeta {
  requestId: string;
  /** Time in the handler, ms (without queueing and cold start). */
  durationMs: number;
  /** True when this invocation started a fresh process and imported the entry module. */
  coldStart: boolean;
}

/** One invocation's result, like the Invoke API's: a payload, or a function error (`X-Amz-Function-Error`). */
export type InvokeResult =
  | (InvokeMeta & { ok: true; payload: unknown })
  | (InvokeMeta & { ok: false; functionError: 'Unhandled'; failure: FailureKind; error: LambdaErrorBody });

/** Turns any thrown value into Lambda's error body. */
export function errorBody(error: unknown, fallbackType = 'Error'): LambdaErrorBody {
  if (error instanceof Error) {
    return {
      errorType: error.name || fallbackType,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n').filter((line) => line.length > 0),
    };
  }
  return {
    errorType: fallbackType,
    errorMessage: typeof error === 'string' ? error : JSON.stringify(error),
    trace: [],
  };
}
