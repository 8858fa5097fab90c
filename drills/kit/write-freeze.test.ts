import { describe, expect, it } from 'vitest';
import { probeWriteP99Ms, startIntervalProbe, writeFreezeMs } from './write-freeze.ts';

const write = (seq: number, sentAt: number, ackAt?: number) => ({
  seq,
  sentAt,
  ...(ackAt === undefined ? {} : { ackAt }),
});

describe('writeFreezeMs', () => {
  it('is the longest gap between acknowledgments, the window edges included', () => {
    const writes = [write(1, 0, 10), write(2, 20, 30), write(3, 40, 2_040), write(4, 2_050, 2_060)];
    expect(writeFreezeMs(writes, 0, 2_100)).toBe(2_010);
  });

  it('counts a write still waiting at the end as frozen until the end', () => {
    expect(writeFreezeMs([write(1, 0, 10), write(2, 20)], 0, 5_000)).toBe(4_990);
  });
});

describe('probeWriteP99Ms', () => {
  it('is the p99 of send → acknowledgment inside the window', () => {
    const writes = Array.from({ length: 100 }, (_, i) => write(i + 1, i * 10, i * 10 + (i >= 98 ? 500 : 2)));
    expect(probeWriteP99Ms(writes, 0, 2_000)).toBeGreaterThan(2);
    expect(probeWriteP99Ms(writes.slice(0, 98), 0, 2_000)).toBe(2);
  });
});

describe('startIntervalProbe', () => {
  it('writes one at a time, acknowledging each, and records a failed write without stopping', async () => {
    let inFlight = 0;
    let overlapped = false;
    const probe = startIntervalProbe(async (seq) => {
      inFlight++;
      overlapped ||= inFlight > 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      if (seq === 2) throw new Error('lock timeout');
    }, 1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const writes = await probe.stop();
    expect(writes.length).toBeGreaterThan(3);
    expect(overlapped).toBe(false);
    expect(writes[1]?.ackAt).toBeUndefined();
    expect(writes[2]?.ackAt).toBeGreaterThanOrEqual(writes[2]!.sentAt);
    expect(probe.errors).toEqual(['write 2: lock timeout']);
  });
});
