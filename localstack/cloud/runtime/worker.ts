// One Lambda execution environment: started by container.ts as `node --import tsx worker.ts <entry> <handler>`.
// Imports the entry module once (the cold start), then serves invocations from the IPC channel one at a time.
// Logs go to stdout in the Lambda Node.js runtime's format, START/END/REPORT lines included.
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { errorBody } from './invoke-result.ts';
import { lambdaContext } from './lambda-context.ts';
import type { InvokeMessage, WorkerMessage } from './worker-protocol.ts';

type Handler = (
  event: unknown,
  context: unknown,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

const [entry, handlerName] = process.argv.slice(2);
const env = process.env;
let currentRequestId: string | undefined;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

function patchConsole(): void {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG' } as const;
  for (const [method, level] of Object.entries(levels)) {
    console[method as keyof typeof levels] = (...args: unknown[]) => {
      process.stdout.write(
        `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}\n`,
      );
    };
  }
}

async function loadHandler(): Promise<Handler> {
  if (!entry || !handlerName)
    throw Object.assign(new Error('worker needs <entry> <handler>'), { name: 'Runtime.Usage' });
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(entry).href);
  } catch (error) {
    throw Object.assign(new Error(`Cannot load ${entry}: ${(error as Error).message}`, { cause: error }), {
      name: 'Runtime.ImportModuleError',
    });
  }
  // A CommonJS module imported from ESM exposes its exports on `default`.
  const candidate =
    module[handlerName] ?? (module.default as Record<string, unknown> | undefined)?.[handlerName];
  if (typeof candidate !== 'function') {
    throw Object.assign(new Error(`${entry} does not export a function '${handlerName}'`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return candidate as Handler;
}

/** Calls an async handler, or a callback-style one (three parameters, returns nothing). */
function call(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(resolve, reject);
      } else if (handler.length < 3) {
        resolve(returned);
      }
    } catch (error) {
      reject(error);
    }
  });
}

async function serve(handler: Handler, message: InvokeMessage, initMs: number | undefined): Promise<void> {
  const { requestId } = message;
  currentRequestId = requestId;
  process.stdout.write(`START RequestId: ${requestId} Version: $LATEST\n`);
  const context = lambdaContext({
    requestId,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    deadlineMs: message.deadlineMs,
  });
  const started = performance.now();
  try {
    // JSON round trip: Lambda serializes the payload, so a handler returning a Date or a class gets what AWS gives.
    const payload = JSON.parse(JSON.stringify((await call(handler, message.event, context)) ?? null));
    await send({ type: 'result', requestId, payload });
  } catch (error) {
    const body = errorBody(error);
    process.stdout.write(
      `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(body)}\n`,
    );
    await send({ type: 'error', requestId, error: body });
  }
  const duration = performance.now() - started;
  const maxMemory = Math.round(process.memoryUsage().rss / 1048576);
  const init = initMs === undefined ? '' : `\tInit Duration: ${initMs.toFixed(2)} ms`;
  process.stdout.write(
    `END RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\t` +
      `Billed Duration: ${Math.ceil(duration)} ms\tMemory Size: ${context.memoryLimitInMB} MB\t` +
      `Max Memory Used: ${maxMemory} MB${init}\n`,
  );
  currentRequestId = undefined;
}

async function main(): Promise<void> {
  patchConsole();
  // Without the runtime on the other end of the IPC channel this environment has no purpose: leave no orphan.
  process.on('disconnect', () => process.exit(0));
  const initStarted = performance.now();
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    await send({ type: 'init-error', error: errorBody(error, 'Runtime.ImportModuleError') });
    process.exit(1);
  }
  let initMs: number | undefined = performance.now() - initStarted;
  let queue = Promise.resolve();
  process.on('message', (message: InvokeMessage) => {
    if (message?.type !== 'invoke') return;
    // The runtime sends one invocation at a time; chaining keeps that true even if it did not.
    queue = queue.then(() => serve(handler, message, initMs));
    initMs = undefined;
  });
  await send({ type: 'ready', initMs });
}

await main();
