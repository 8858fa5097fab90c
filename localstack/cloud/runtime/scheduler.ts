import type { InvokeResult } from './invoke-result.ts';
import type { ScheduleSpec } from './schedules.ts';

export interface ScheduleStats {
  functionId: string;
  expression: string;
  intervalMs: number;
  overridden: boolean;
  fired: number;
  errors: number;
}

/**
 * Fires each schedule every `intervalMs`, first one interval after start (as a new rule does). Invocations are
 * asynchronous like EventBridge's: a slow run does not delay the next tick. Lambda's two automatic retries of a
 * failed asynchronous invocation are not done.
 */
export class Scheduler {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #stats = new Map<string, ScheduleStats>();

  constructor(
    private readonly schedules: ScheduleSpec[],
    private readonly fire: (spec: ScheduleSpec) => Promise<InvokeResult>,
  ) {
    for (const s of schedules) {
      this.#stats.set(`${s.logicalId}/${s.functionId}`, {
        functionId: s.functionId,
        expression: s.expression,
        intervalMs: s.intervalMs,
        overridden: s.overridden,
        fired: 0,
        errors: 0,
      });
    }
  }

  start(): void {
    for (const spec of this.schedules) {
      const stats = this.#stats.get(`${spec.logicalId}/${spec.functionId}`);
      const timer = setInterval(() => {
        if (stats) stats.fired++;
        this.fire(spec).then(
          (result) => {
            if (!result.ok && stats) stats.errors++;
          },
          () => {
            if (stats) stats.errors++;
          },
        );
      }, spec.intervalMs);
      this.#timers.push(timer);
    }
  }

  stop(): void {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
  }

  stats(): Record<string, ScheduleStats> {
    return Object.fromEntries([...this.#stats].map(([key, value]) => [key, { ...value }]));
  }
}
