import { readdirSync, readFileSync } from 'node:fs';

const BENCH = 'this bench (+ runtime, gateway, API)';

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

type Proc = { ppid: number; ticks: number; cmdline: string };

/** Every process in /proc with its parent, CPU ticks (user + system) and command line; undefined off Linux. */
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

/** CPU seconds so far of this process and every descendant of `roots`, by label (Linux /proc; {} elsewhere). */
export function cpuSeconds(roots: number[]): Record<string, number> {
  const procs = readProcs();
  if (!procs) return {};
  const ours = new Set([process.pid, ...roots]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of procs)
      if (!ours.has(pid) && ours.has(p.ppid)) {
        ours.add(pid);
        grew = true;
      }
  }
  const out: Record<string, number> = {};
  for (const pid of ours) {
    const p = procs.get(pid);
    const label = p && (pid === process.pid ? BENCH : processLabel(p.cmdline));
    if (p && label) out[label] = (out[label] ?? 0) + p.ticks / 100;
  }
  return out;
}
