import { SingleBar } from 'cli-progress';

/** What the CLI hands a drill or bench. */
export interface RunContext {
  /** Small N for `npm test`; the full run otherwise. */
  quick: boolean;
  /** `--param name=value` pairs; each drill declares the names it takes (params.ts). */
  params?: Readonly<Record<string, string>>;
  log(line: string): void;
  /** A progress bar for long loops (plain lines when not a terminal). */
  progress(label: string, total: number): { tick(by?: number): void; done(): void };
}

export function consoleContext(quick: boolean, params: Readonly<Record<string, string>> = {}): RunContext {
  return {
    quick,
    params,
    log: (line) => console.log(line),
    progress(label, total) {
      if (!process.stdout.isTTY) {
        console.log(`${label}: 0/${total}`);
        let count = 0;
        let lastPrinted = 0;
        return {
          tick(by = 1) {
            count += by;
            if (count - lastPrinted >= total / 10) {
              lastPrinted = count;
              console.log(`${label}: ${count}/${total}`);
            }
          },
          done: () => console.log(`${label}: done`),
        };
      }
      const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {eta_formatted}` });
      bar.start(total, 0);
      return { tick: (by = 1) => bar.increment(by), done: () => bar.stop() };
    },
  };
}

/**
 * The last `count` lines a drill logged, for a test's failure message. The cause of a failure is often only there
 * (the local HTTP API's `api error:` line says why an invoke failed) and CI keeps no other copy.
 */
export function logTail(lines: readonly string[], count = 40): string {
  const tail = lines.slice(-count);
  return [`its last ${tail.length} of ${lines.length} log lines:`, ...tail].join('\n');
}

/** For tests: collects log lines, no bars. */
export function silentContext(quick = true): RunContext & { lines: string[] } {
  const lines: string[] = [];
  return { quick, lines, log: (line) => lines.push(line), progress: () => ({ tick() {}, done() {} }) };
}
