import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../localstack/lib/process.ts';
import {
  candidates as allCandidates,
  type Candidate,
  type StartedEmulator,
} from '../../../localstack/processes/emulators/candidates.ts';
import { cloudwatchChecks } from './checks/cloudwatch.ts';
import { dynamodbChecks } from './checks/dynamodb.ts';
import { kinesisChecks } from './checks/kinesis.ts';
import { snsChecks } from './checks/sns.ts';
import { sqsChecks } from './checks/sqs.ts';
import { describeError, isUnsupported } from './checks/util.ts';
import { groupCpuSeconds, groupRssMb } from './proc-stats.ts';
import {
  allServices,
  type Check,
  type CheckContext,
  type CheckResult,
  type FidelityReport,
  type Service,
  type StartupResult,
} from './types.ts';

export type { FidelityReport } from './types.ts';

/** Long enough to catch pollers/GC ticks that a JVM or Scala.js runtime runs while nobody calls it. */
const idleSampleMs = 3000;

export const checksByService: Record<Service, readonly Check[]> = {
  sqs: sqsChecks,
  sns: snsChecks,
  kinesis: kinesisChecks,
  dynamodb: dynamodbChecks,
  cloudwatch: cloudwatchChecks,
};

export interface ProbeOptions {
  services?: string[];
  candidates?: string[];
  onProgress?: (line: string) => void;
  /** A hung emulator call must not hang the whole probe. */
  checkTimeoutMs?: number;
}

function pickServices(names: string[] | undefined): Service[] {
  if (!names) return [...allServices];
  const unknown = names.filter((n) => !allServices.includes(n as Service));
  if (unknown.length)
    throw new Error(`unknown service(s) ${unknown.join(', ')}; known: ${allServices.join(', ')}`);
  return names as Service[];
}

function pickCandidates(names: string[] | undefined, services: Service[]): Candidate[] {
  const known = allCandidates.map((c) => c.name);
  const unknown = (names ?? []).filter((n) => !known.includes(n));
  if (unknown.length)
    throw new Error(`unknown candidate(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return allCandidates.filter(
    (c) => (!names || names.includes(c.name)) && c.services.some((s) => services.includes(s)),
  );
}

async function runCheck(check: Check, ctx: CheckContext, timeoutMs: number) {
  const started = Date.now();
  const timeout = sleep(timeoutMs, undefined, { ref: false }).then(() => ({
    outcome: 'error' as const,
    detail: `timed out after ${timeoutMs / 1000} s`,
    ms: undefined,
  }));
  try {
    const out = await Promise.race([check.run(ctx), timeout]);
    return { ...out, ms: out.ms ?? Date.now() - started };
  } catch (error) {
    const outcome = isUnsupported(error) ? ('unsupported' as const) : ('error' as const);
    return { outcome, detail: describeError(error), ms: Date.now() - started };
  }
}

/**
 * Installs (on demand, into the cache), starts, checks and stops each candidate in turn. Sequential on purpose:
 * the target box has 2 cores, and parallel emulators would skew start times and latency measurements.
 */
export async function runFidelityProbe(opts: ProbeOptions = {}): Promise<FidelityReport> {
  const progress = opts.onProgress ?? (() => {});
  const services = pickServices(opts.services);
  const timeoutMs = opts.checkTimeoutMs ?? 60_000;
  const results: CheckResult[] = [];
  const startup: StartupResult[] = [];
  let running: StartedEmulator | undefined;
  // Emulators run in their own process groups and would outlive an interrupted probe.
  const onSignal = () => {
    void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const candidate of pickCandidates(opts.candidates, services)) {
      const mine = candidate.services.filter((s) => services.includes(s));
      const base = { candidate: candidate.name, version: candidate.version };
      const record = (
        service: Service,
        check: Check,
        out: Omit<CheckResult, 'service' | 'candidate' | 'version' | 'check' | 'critical'>,
      ) => {
        results.push({ service, ...base, check: check.id, critical: check.critical ?? false, ...out });
        progress(`  ${service}/${check.id}: ${out.outcome} — ${out.detail}`);
      };
      let installMs = 0;
      let installedFresh = false;
      let startMs = 0;
      try {
        progress(`${candidate.name}@${candidate.version}: install`);
        const installed = await candidate.install();
        installMs = installed.ms;
        installedFresh = installed.fresh;
        const port = await freePort();
        const t0 = Date.now();
        running = await candidate.start(port, { logName: `fidelity-${candidate.name}` });
        startMs = Date.now() - t0;
        progress(`${candidate.name}: ready in ${startMs} ms at ${running.url}`);
      } catch (error) {
        const detail = `did not install/start: ${describeError(error)}`;
        progress(`${candidate.name}: ${detail}`);
        startup.push({
          ...base,
          ms: startMs,
          rssMb: 0,
          cpuSec: 0,
          idleCpuPct: 0,
          installMs,
          installedFresh,
          error: detail,
        });
        for (const service of mine)
          for (const check of checksByService[service]) record(service, check, { outcome: 'error', detail });
        continue;
      }
      try {
        const ctx: CheckContext = { endpoint: running.url, prefix: `fid-${randomBytes(3).toString('hex')}` };
        for (const service of mine) {
          for (const check of checksByService[service])
            record(service, check, await runCheck(check, ctx, timeoutMs));
        }
        const rssMb = groupRssMb(running.pid);
        const cpuSec = groupCpuSeconds(running.pid);
        await sleep(idleSampleMs);
        const idleCpuPct =
          Math.round(((groupCpuSeconds(running.pid) - cpuSec) / (idleSampleMs / 1000)) * 1000) / 10;
        startup.push({ ...base, ms: startMs, rssMb, cpuSec, idleCpuPct, installMs, installedFresh });
        progress(`${candidate.name}: RSS ${rssMb} MB, ${cpuSec} CPU-s, idle ${idleCpuPct}% of a core`);
      } finally {
        await running.stop();
        running = undefined;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return { results, startup };
}
