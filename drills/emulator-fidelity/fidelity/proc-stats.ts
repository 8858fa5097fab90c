import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports CPU time in clock ticks; USER_HZ is 100 on every x86-64/arm64 kernel we run on. */
const ticksPerSecond = 100;

interface GroupStats {
  rssKb: number;
  cpuTicks: number;
}

/**
 * Sums over a whole process group: emulators run in their own group (spawnLogged detaches) and wrappers may
 * fork, so the group is what the 2-core box actually pays for.
 */
function groupStats(pgid: number): GroupStats {
  const total = { rssKb: 0, cpuTicks: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name (which may hold spaces): state ppid pgrp ... utime(11) stime(12).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      total.cpuTicks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
      const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      total.rssKb += Number(match?.[1] ?? 0);
    } catch {
      // the process exited while we were looking
    }
  }
  return total;
}

export function groupRssMb(pgid: number | undefined): number {
  return pgid ? Math.round(groupStats(pgid).rssKb / 102.4) / 10 : 0;
}

export function groupCpuSeconds(pgid: number | undefined): number {
  return pgid ? groupStats(pgid).cpuTicks / ticksPerSecond : 0;
}
