import type { LambdaErrorBody } from './invoke-result.ts';

/** Runtime → worker over the IPC channel. */
export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  event: unknown;
  /** Epoch ms at which the runtime kills the invocation; the context's remaining time counts down to it. */
  deadlineMs: number;
  invokedFunctionArn: string;
}

/** Worker → runtime over the IPC channel. */
export type WorkerMessage =
  | { type: 'ready'; initMs: number }
  | { type: 'init-error'; error: LambdaErrorBody }
  | { type: 'result'; requestId: string; payload: unknown }
  | { type: 'error'; requestId: string; error: LambdaErrorBody };

/** The worker's command line after the script path: entry module (absolute) and export name. */
export interface WorkerArgs {
  entry: string;
  handler: string;
}
