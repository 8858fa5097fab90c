import { setTimeout as sleep } from 'node:timers/promises';
import { killGroup } from '../../localstack/lib/process.ts';
import { FaultTargetError } from './errors.ts';

/** One injected fault as a report lists it: what, on which part, from when to when (ms since epoch). */
export interface FaultRecord {
  kind: string;
  target: string;
  start: number;
  end: number;
}

/**
 * A local part a fault can hit: its current process-group leader, and how to start it again (a restarted part gets a
 * new pid, so `pid` is asked each time). `restart` is what RDS or ECS would do after a crash.
 */
export interface Part {
  name: string;
  pid(): number | undefined;
  restart?(): Promise<void>;
}

/** Records every fault and thaws whatever is still frozen when the run ends early. */
export class FaultLog {
  readonly records: FaultRecord[] = [];
  readonly #frozen = new Set<number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Runs `work` as one fault of `kind` on `target`, recorded from its start to its end (also if it throws). */
  async around<T>(kind: string, target: string, work: () => Promise<T>): Promise<T> {
    const start = this.now();
    try {
      return await work();
    } finally {
      this.records.push({ kind, target, start, end: this.now() });
    }
  }

  /** SIGKILL of the whole process group (a crashed host takes its children with it), then `restart` after `downMs`. */
  kill(kind: string, part: Part, downMs: number): Promise<void> {
    return this.around(kind, part.name, async () => {
      killGroup(requirePid(part), 'SIGKILL');
      await sleep(downMs);
      await part.restart?.();
    });
  }

  /** SIGSTOP of the process group for `ms`, then SIGCONT: its sockets stay open and hang, they are not refused. */
  freeze(kind: string, part: Part, ms: number): Promise<void> {
    return this.around(kind, part.name, async () => {
      const pid = requirePid(part);
      this.#frozen.add(pid);
      killGroup(pid, 'SIGSTOP');
      try {
        await sleep(ms);
      } finally {
        killGroup(pid, 'SIGCONT');
        this.#frozen.delete(pid);
      }
    });
  }

  /** A fault with no duration of its own (e.g. killing Lambda containers), recorded with start = end. */
  instant(kind: string, target: string, act: () => void): Promise<void> {
    return this.around(kind, target, async () => act());
  }

  /** SIGCONT to every group still frozen (call in `finally`: a stopped process would block the clean-up). */
  thawAll(): void {
    for (const pid of this.#frozen) killGroup(pid, 'SIGCONT');
    this.#frozen.clear();
  }
}

function requirePid(part: Part): number {
  const pid = part.pid();
  if (pid === undefined) throw new FaultTargetError(part.name);
  return pid;
}
