import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { killGroup } from '../../localstack/lib/process.ts';

/** The drill's own process, which also hosts the Lambda runtime's pollers, the stand-ins and the API. */
export const BENCH = 'this bench (+ runtime, gateway, API)';

/** Which part of the pipeline a process is, from its command line; undefined = not ours to count. */
export function processLabel(cmdline: string): string | undefined {
  if (cmdline.includes('ferrokinesis')) return 'ferrokinesis';
  if (cmdline.includes('kinesis-local')) return 'kinesis-local';
  if (cmdline.includes('rest-sqs') || cmdline.includes('elasticmq')) return 'ElasticMQ';
  if (cmdline.includes('DynamoDBLocal') || cmdline.includes('dynamodb')) return 'DynamoDB Local';
  if (cmdline.includes('moto_server')) return 'moto';
  if (cmdline.includes('debezium')) return 'Debezium Server (both connectors)';
  if (cmdline.includes('router/handler')) return 'router Lambda';
  if (cmdline.includes('consumers/payment')) return 'payment Lambda';
  if (cmdline.includes('runtime/worker')) return 'other Lambdas';
  if (cmdline.startsWith('postgres') || cmdline.includes('/bin/postgres')) return 'Postgres (all backends)';
  if (cmdline.includes('cli.ts') || cmdline.includes('vitest')) return BENCH;
  return undefined;
}

type Proc = { ppid: number; ticks: number; rssPages: number; cmdline: string };

/** Every process in /proc with its parent, CPU ticks (user + system), RSS and command line; undefined off Linux. */
function readProcs(): Map<number, Proc> | undefined {
  const procs = new Map<number, Proc>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
        procs.set(Number(entry), {
          ppid: Number(fields[1]),
          ticks: Number(fields[11]) + Number(fields[12]),
          rssPages: Number(fields[21]),
          cmdline,
        });
      } catch {
        // exited while we looked
      }
    }
  } catch {
    return undefined;
  }
  return procs;
}

/** This process and every descendant of `roots` that has a label, with its label. */
function ours(roots: number[]): Array<{ label: string; proc: Proc }> | undefined {
  const procs = readProcs();
  if (!procs) return undefined;
  const pids = new Set([process.pid, ...roots]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of procs)
      if (!pids.has(pid) && pids.has(p.ppid)) {
        pids.add(pid);
        grew = true;
      }
  }
  const out: Array<{ label: string; proc: Proc }> = [];
  for (const pid of pids) {
    const p = procs.get(pid);
    const label = p && (pid === process.pid ? BENCH : processLabel(p.cmdline));
    if (p && label) out.push({ label, proc: p });
  }
  return out;
}

/** CPU seconds so far of this process and every descendant of `roots`, by label (Linux /proc; {} elsewhere). */
export function cpuSeconds(roots: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { label, proc } of ours(roots) ?? []) out[label] = (out[label] ?? 0) + proc.ticks / 100;
  return out;
}

// 4 KiB pages: the page size of every Linux this runs on (x86-64, arm64 defaults).
const pageMb = 4096 / (1024 * 1024);

/** Resident memory in MB of this process and every descendant of `roots`, by label (Linux /proc; {} elsewhere). */
export function rssMb(roots: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { label, proc } of ours(roots) ?? []) out[label] = (out[label] ?? 0) + proc.rssPages * pageMb;
  for (const label of Object.keys(out)) out[label] = Math.round(out[label]!);
  return out;
}

/** Pids of this process's live children (Linux /proc; [] elsewhere). */
export function childPids(): number[] {
  return [...(readProcs() ?? new Map<number, Proc>())]
    .filter(([, p]) => p.ppid === process.pid)
    .map(([pid]) => pid);
}

/**
 * Stops every child of this process and its process group: SIGTERM, then SIGKILL for any still there after
 * `graceMs`. The emulators, Postgres and Debezium run detached in groups of their own (spawnLogged), so a Ctrl-C
 * at the terminal does not reach them. Returns how many there were.
 */
export async function stopChildren(graceMs = 5_000): Promise<number> {
  const pids = childPids();
  for (const pid of pids) killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some((pid) => childPids().includes(pid))) await sleep(100);
  for (const pid of pids) if (childPids().includes(pid)) killGroup(pid, 'SIGKILL');
  return pids.length;
}
