import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ManagedProcess } from '../../lib/process.ts';
import { DebeziumError, DebeziumStartError } from './errors.ts';
import { type SlotState, slotState } from './slot.ts';

/** Polls `probe` until true; fails at once if the process exits, else after `timeoutMs`. Returns ms since start. */
export async function until(
  wait: {
    proc: ManagedProcess;
    /** The connector's name in errors (`outbox`, `orders`, or a MariaDB capture's name). */
    connector: string;
    logOffset: number;
    timeoutMs: number;
    started: number;
  },
  probe: () => Promise<boolean>,
): Promise<number> {
  const { proc, connector, timeoutMs, started } = wait;
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    const { exitCode, signalCode } = proc.child;
    if (exitCode !== null || signalCode !== null)
      throw new DebeziumStartError(
        connector,
        proc.logFile,
        `the JVM exited (${exitCode ?? signalCode}); last error: ${lastLoggedError(proc.logFile, wait.logOffset) ?? 'none logged'}`,
      );
    try {
      if (await probe()) return Date.now() - started;
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new DebeziumStartError(connector, proc.logFile, `not healthy and streaming after ${timeoutMs} ms`, {
    cause: lastError,
  });
}

export async function isUp(healthUrl: string): Promise<boolean> {
  const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
  const body = (await response.json()) as { status?: string };
  return response.ok && body.status === 'UP';
}

export const isStreaming = (slot: SlotState | undefined): boolean => slot?.active === true;

export async function waitForSlotRelease(
  databaseUrl: string,
  slotName: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const slot = await slotState(databaseUrl, slotName);
    if (slot === undefined || !slot.active) return;
    await sleep(250);
  }
  throw new DebeziumError(`replication slot ${slotName} is still in use after ${timeoutMs} ms`);
}

/** The message of the last ERROR line in the (JSON) log, so a failed start says why without opening the file. */
function lastLoggedError(logFile: string, offset: number): string | undefined {
  try {
    const lines = readFileSync(logFile).subarray(offset).toString('utf8').split('\n').reverse();
    for (const line of lines) {
      if (!line.includes('"level":"ERROR"')) continue;
      const message = (JSON.parse(line) as { message?: string }).message;
      if (message) return message.split('\n')[0];
    }
  } catch {
    // unreadable or not JSON: the log file path in the error is still there
  }
  return undefined;
}
