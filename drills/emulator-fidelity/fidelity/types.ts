/** Shared shapes of the fidelity probe: what a check is, what it returns, what the report holds. */

import type { Service } from '../../../localstack/processes/emulators/services.ts';

export { allServices } from '../../../localstack/processes/emulators/services.ts';
export type { Service };

export type Outcome = 'pass' | 'fail' | 'error' | 'unsupported';

export interface CheckOutcome {
  outcome: Outcome;
  /** One line: what the emulator actually did, so a reader can judge without re-running. */
  detail: string;
  /** A measured latency the check is about (long-poll wake-up, put→get); otherwise the probe records wall time. */
  ms?: number;
}

export interface CheckContext {
  /** Endpoint of the emulator under test, e.g. http://127.0.0.1:41234. */
  endpoint: string;
  /** Unique per run and candidate, so resource names never collide with leftovers. */
  prefix: string;
}

export interface Check {
  id: string;
  title: string;
  /** Critical = one of the guarantees the pipeline's correctness rests on; the recommendation ranks on these first. */
  critical?: boolean;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

export interface CheckResult {
  service: Service;
  candidate: string;
  version: string;
  check: string;
  critical: boolean;
  outcome: Outcome;
  detail: string;
  ms?: number;
}

export interface StartupResult {
  candidate: string;
  version: string;
  /** Spawn → first answered request. */
  ms: number;
  /** Resident memory of the emulator's whole process group after its checks ran. */
  rssMb: number;
  /** CPU seconds the emulator used from spawn through all its checks. */
  cpuSec: number;
  /** CPU use while idle after the checks, in % of one core: what it costs just to keep it running. */
  idleCpuPct: number;
  /** Time the install step took in this run; 0 when the cache already held it. */
  installMs: number;
  installedFresh: boolean;
  /** Set when install or start failed; then no checks ran for this candidate. */
  error?: string;
}

export interface FidelityReport {
  results: CheckResult[];
  startup: StartupResult[];
}
