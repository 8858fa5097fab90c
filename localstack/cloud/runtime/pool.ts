import { setTimeout as sleep } from 'node:timers/promises';
import { Container, type ContainerOptions } from './container.ts';
import { RuntimeStoppedError } from './errors.ts';
import type { InvokeResult } from './invoke-result.ts';

/** Counters per function. `errors` counts every function error; crashes, timeouts and init errors are subsets. */
export interface FunctionStats {
  invocations: number;
  errors: number;
  crashes: number;
  timeouts: number;
  initErrors: number;
  coldStarts: number;
  inFlight: number;
}

export interface PoolOptions extends ContainerOptions {
  /** Most containers (concurrent invocations) this function gets; further invocations wait their turn. */
  maxConcurrency: number;
}

interface Waiter {
  resolve(container: Container): void;
  reject(error: Error): void;
}

/**
 * The execution environments of one function: reuses an idle container (warm), starts another up to
 * `maxConcurrency` (cold), else queues the invocation. Lambda would throttle instead of queueing; locally a short
 * wait is kinder to the pollers and changes no delivery semantics.
 */
export class FunctionPool {
  readonly #containers: Container[] = [];
  readonly #idle: Container[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #stats: FunctionStats = {
    invocations: 0,
    errors: 0,
    crashes: 0,
    timeouts: 0,
    initErrors: 0,
    coldStarts: 0,
    inFlight: 0,
  };
  #stopping = false;

  constructor(private readonly options: PoolOptions) {}

  async invoke(event: unknown): Promise<InvokeResult> {
    if (this.#stopping) throw new RuntimeStoppedError(this.options.fn.logicalId);
    const container = await this.#acquire();
    this.#stats.inFlight++;
    try {
      const result = await container.invoke(event);
      this.#count(result);
      return result;
    } finally {
      this.#stats.inFlight--;
      this.#release(container);
    }
  }

  stats(): FunctionStats {
    return { ...this.#stats };
  }

  /** Pids of live workers (for drills and for checking nothing is left behind). */
  pids(): number[] {
    return this.#containers.map((c) => c.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** Refuses new invocations, waits up to `graceMs` for in-flight ones, then stops every worker. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    for (const waiter of this.#waiters.splice(0))
      waiter.reject(new RuntimeStoppedError(this.options.fn.logicalId));
    const deadline = Date.now() + graceMs;
    while (this.#stats.inFlight > 0 && Date.now() < deadline) await sleep(25);
    await Promise.all(this.#containers.map((container) => container.stop()));
  }

  #count(result: InvokeResult): void {
    const stats = this.#stats;
    stats.invocations++;
    if (result.coldStart) stats.coldStarts++;
    if (result.ok) return;
    stats.errors++;
    if (result.failure === 'crash') stats.crashes++;
    if (result.failure === 'timeout') stats.timeouts++;
    if (result.failure === 'init') stats.initErrors++;
  }

  #acquire(): Promise<Container> {
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.#containers.length < this.options.maxConcurrency) {
      const container = new Container(this.options);
      this.#containers.push(container);
      return Promise.resolve(container);
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #release(container: Container): void {
    const next = this.#waiters.shift();
    if (next) next.resolve(container);
    else this.#idle.push(container);
  }
}
