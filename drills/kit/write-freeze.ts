import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, round } from './stats.ts';

/** One probe write: sent, and acknowledged by the server (undefined while it waits, e.g. on a lock). */
export interface ProbeWrite {
  seq: number;
  sentAt: number;
  ackAt?: number;
}

/** Longest gap between consecutive acknowledgments inside [from, to] (a write never acknowledged counts to `to`). */
export function writeFreezeMs(writes: readonly ProbeWrite[], from: number, to: number): number {
  const acks = writes.map((w) => w.ackAt ?? to).filter((t) => t >= from && t <= to);
  let longest = 0;
  let last = from;
  for (const t of [...acks, to].sort((a, b) => a - b)) {
    longest = Math.max(longest, t - last);
    last = t;
  }
  return longest;
}

/** p99 of send → acknowledgment over the writes sent inside [from, to]. */
export function probeWriteP99Ms(writes: readonly ProbeWrite[], from: number, to: number): number {
  const latencies = writes
    .filter((w) => w.sentAt >= from && w.sentAt <= to)
    .map((w) => (w.ackAt ?? to) - w.sentAt);
  return latencies.length === 0 ? 0 : round(percentile(latencies, 99));
}

/**
 * Runs `write(seq)` every `intervalMs`, one at a time (the next waits for the last acknowledgment, so a lock shows as
 * one long write, never as a queue), recording send and acknowledgment times. A write that fails is recorded in
 * `errors` and left unacknowledged; the probe goes on.
 */
export function startIntervalProbe(write: (seq: number) => Promise<unknown>, intervalMs = 10) {
  const writes: ProbeWrite[] = [];
  const errors: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let seq = 1; running; seq++) {
      const probeWrite: ProbeWrite = { seq, sentAt: Date.now() };
      writes.push(probeWrite);
      try {
        await write(seq);
        probeWrite.ackAt = Date.now();
      } catch (error) {
        errors.push(`write ${seq}: ${(error as Error).message}`);
      }
      await sleep(Math.max(0, probeWrite.sentAt + intervalMs - Date.now()));
    }
  })();
  return {
    writes,
    errors,
    async stop(): Promise<ProbeWrite[]> {
      running = false;
      await loop;
      return writes;
    },
  };
}
