import type { RunContext } from './lib/context.ts';
import type { ReadableReport, Report } from './lib/report.ts';

export type Runnable = (ctx: RunContext) => Promise<{ report: Report; readable: ReadableReport }>;

/** Every drill and bench by name; `npm test` runs each in quick mode so none can rot. */
export const benches: Record<string, () => Promise<Runnable>> = {
  'write-path': async () => (await import('./benches/write-path.ts')).run,
  'emulator-fidelity': async () => (await import('./benches/emulator-fidelity.ts')).run,
  'cdc-latency': async () => (await import('./benches/cdc-latency.ts')).run,
};

export const drills: Record<string, () => Promise<Runnable>> = {
  'cdc-view': async () => (await import('./drills/cdc-view.ts')).run,
  'stalled-slot': async () => (await import('./drills/stalled-slot.ts')).run,
  'long-txn': async () => (await import('./drills/long-txn.ts')).run,
};
