import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { killGroup } from '../../lib/process.ts';
import type { FunctionSpec } from './functions.ts';
import type { InvokeResult, LambdaErrorBody } from './invoke-result.ts';
import type { LambdaNode } from './lambda-node.ts';
import type { WorkerMessage } from './worker-protocol.ts';

const workerScript = join(dirname(fileURLToPath(import.meta.url)), 'worker.ts');

export interface ContainerOptions {
  fn: FunctionSpec;
  /** The Node the worker runs on: the release pinned for the function's Runtime. */
  node: LambdaNode;
  /** The complete environment of the process (the runtime builds it; nothing is inherited). */
  env: Record<string, string>;
  /** Working directory; `--import tsx` resolves tsx from here. */
  cwd: string;
  /** Receives the process's stdout and stderr, and the runtime's own lines about it (timeouts, crashes). */
  log: Writable;
  /** Limit for importing the entry module (Lambda's init phase: 10 s). Past it, the init is retried once within the
   *  function timeout. */
  initTimeoutMs: number;
}

type Settle = (
  outcome: WorkerMessage | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null },
) => void;

interface Worker {
  child: ChildProcess;
  /** `timedOut`: the import ran past its limit (not an error the module threw). */
  ready: Promise<{ ok: true; initMs: number } | { ok: false; timedOut: boolean; error: LambdaErrorBody }>;
  exited: Promise<void>;
  alive: boolean;
  /** The pending invocation's listener; the IPC and exit handlers settle it. */
  settle?: Settle;
}

/** Lambda's own words for an invocation past its timeout (the log line and the error message). */
const timedOutMessage = (requestId: string, timeoutSec: number) =>
  `RequestId: ${requestId} Error: Task timed out after ${timeoutSec.toFixed(2)} seconds`;

/**
 * One execution environment: a child process that imports the function once and then serves invocations one at
 * a time. A timeout kills the process (like Lambda) and so does nothing else: the next invocation after a timeout,
 * crash or init failure starts a fresh process (a cold start). Not safe for concurrent `invoke` calls; the pool
 * hands each container one invocation at a time.
 */
export class Container {
  #worker: Worker | undefined;

  constructor(private readonly options: ContainerOptions) {}

  /** Process id of the live worker, if any (for drills that kill it from outside). */
  get pid(): number | undefined {
    return this.#worker?.alive ? this.#worker.child.pid : undefined;
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    const requestId = randomUUID();
    const coldStart = !this.#worker?.alive;
    const { fn, initTimeoutMs } = this.options;
    const timeoutMs = fn.timeoutSec * 1000;
    let worker = this.#worker?.alive ? this.#worker : this.#spawn(initTimeoutMs);
    this.#worker = worker;
    let init = await worker.ready;
    // An init past the 10 s limit is retried at the invocation, and the retry and the handler share the function's
    // timeout (Lambda's execution environment lifecycle, "Init phase"). Failing the invoke instead made a slow cold
    // start on a busy machine an error AWS does not give (an API 500, a redelivery).
    let retriedInitAt: number | undefined;
    if (!init.ok && init.timedOut) {
      await this.#kill(worker);
      this.#note(
        `init exceeded ${initTimeoutMs} ms; retrying it within the function timeout (${fn.timeoutSec} s)`,
      );
      retriedInitAt = Date.now();
      worker = this.#spawn(timeoutMs);
      this.#worker = worker;
      init = await worker.ready;
    }
    if (!init.ok) {
      await this.#kill(worker);
      const retryTimedOut = retriedInitAt !== undefined && init.timedOut;
      const message = timedOutMessage(requestId, fn.timeoutSec);
      if (retryTimedOut) this.#note(`${message} (in its retried init)`);
      return {
        ok: false,
        functionError: 'Unhandled',
        failure: retryTimedOut ? 'timeout' : 'init',
        error: retryTimedOut ? failure('Sandbox.Timedout', message) : init.error,
        requestId,
        durationMs: retriedInitAt === undefined ? 0 : Date.now() - retriedInitAt,
        coldStart,
      };
    }
    const started = Date.now();
    const deadlineMs = (retriedInitAt ?? started) + timeoutMs;
    const outcome = await new Promise<Parameters<Settle>[0] | { type: 'timeout' }>((resolve) => {
      const timer = setTimeout(() => resolve({ type: 'timeout' }), deadlineMs - Date.now());
      worker.settle = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
      // Died between init and now: its exit was reported before anyone listened.
      if (!worker.alive) {
        worker.settle({ type: 'exit', code: worker.child.exitCode, signal: worker.child.signalCode });
        return;
      }
      worker.child.send({ type: 'invoke', requestId, event, deadlineMs, invokedFunctionArn: fn.arn });
    });
    worker.settle = undefined;
    const meta = { requestId, coldStart, durationMs: Date.now() - started };
    switch (outcome.type) {
      case 'result':
        return { ok: true, payload: outcome.payload, ...meta };
      case 'error':
        return { ok: false, functionError: 'Unhandled', failure: 'handled', error: outcome.error, ...meta };
      case 'timeout': {
        const message = timedOutMessage(requestId, fn.timeoutSec);
        this.#note(message);
        await this.#kill(worker);
        return {
          ok: false,
          functionError: 'Unhandled',
          failure: 'timeout',
          error: failure('Sandbox.Timedout', message),
          ...meta,
        };
      }
      case 'exit': {
        const how = outcome.signal ? `signal: ${outcome.signal}` : `exit status ${outcome.code}`;
        const message = `RequestId: ${requestId} Error: Runtime exited with error: ${how}`;
        this.#note(message);
        return {
          ok: false,
          functionError: 'Unhandled',
          failure: 'crash',
          error: failure('Runtime.ExitError', message),
          ...meta,
        };
      }
      default:
        // 'ready' / 'init-error' cannot arrive mid-invocation; treat a confused worker as crashed.
        await this.#kill(worker);
        return {
          ok: false,
          functionError: 'Unhandled',
          failure: 'crash',
          error: failure('Runtime.Unknown', outcome.type),
          ...meta,
        };
    }
  }

  /** Stops the worker: SIGTERM to its process group, SIGKILL after `graceMs`. */
  async stop(graceMs = 1000): Promise<void> {
    const worker = this.#worker;
    if (!worker?.alive) return;
    killGroup(worker.child.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(worker.child.pid, 'SIGKILL'), graceMs);
    await worker.exited;
    clearTimeout(timer);
  }

  /** A fresh worker whose import must finish within `initLimitMs`. */
  #spawn(initLimitMs: number): Worker {
    const { fn, node, env, cwd, log } = this.options;
    const child = spawn(node.bin, ['--import', 'tsx', workerScript, fn.entry, fn.handler], {
      cwd,
      env,
      // Own process group, so killing it also takes anything the handler spawned.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    let markReady: (value: Awaited<Worker['ready']>) => void = () => {};
    const ready = new Promise<Awaited<Worker['ready']>>((resolve) => {
      markReady = resolve;
    });
    const initTimer = setTimeout(() => {
      markReady({
        ok: false,
        timedOut: true,
        error: failure('Runtime.InitTimeout', `init exceeded ${initLimitMs} ms`),
      });
    }, initLimitMs);
    let markExited: () => void = () => {};
    const worker: Worker = {
      child,
      ready,
      alive: true,
      exited: new Promise((resolve) => {
        markExited = resolve;
      }),
    };
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready' || message.type === 'init-error') clearTimeout(initTimer);
      if (message.type === 'ready') markReady({ ok: true, initMs: message.initMs });
      else if (message.type === 'init-error') markReady({ ok: false, timedOut: false, error: message.error });
      else worker.settle?.(message);
    });
    const gone = (code: number | null, signal: NodeJS.Signals | null, why: string) => {
      if (!worker.alive) return;
      worker.alive = false;
      clearTimeout(initTimer);
      markReady({
        ok: false,
        timedOut: false,
        error: failure('Runtime.ExitError', `worker ended during init: ${why}`),
      });
      worker.settle?.({ type: 'exit', code, signal });
      markExited();
    };
    child.once('exit', (code, signal) => gone(code, signal, signal ?? `status ${code}`));
    // Spawn failures emit 'error' and no 'exit'; a send to a process that just died emits one too. Listening with
    // `on`, not `once`: an unhandled second 'error' would take the whole runtime down.
    child.on('error', (error) => gone(null, null, error.message));
    child.once('spawn', () =>
      this.#note(`worker pid ${child.pid} started on Node ${node.version} (cold start)`),
    );
    return worker;
  }

  async #kill(worker: Worker): Promise<void> {
    if (!worker.alive) return;
    killGroup(worker.child.pid, 'SIGKILL');
    await worker.exited;
  }

  #note(line: string): void {
    this.options.log.write(`${new Date().toISOString()}\t[runtime]\t${this.options.fn.logicalId}\t${line}\n`);
  }
}

function failure(errorType: string, errorMessage: string): LambdaErrorBody {
  return { errorType, errorMessage, trace: [] };
}
