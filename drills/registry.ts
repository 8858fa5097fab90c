import type { RunContext } from './lib/context.ts';
import type { ReadableReport, Report } from './lib/report.ts';

export type Runnable = (ctx: RunContext) => Promise<{ report: Report; readable: ReadableReport }>;

/** Every drill and bench by name; `npm test` runs each in quick mode so none can rot. */
export const benches: Record<string, () => Promise<Runnable>> = {
  'write-path': async () => (await import('./benches/write-path.ts')).run,
  'emulator-fidelity': async () => (await import('./benches/emulator-fidelity.ts')).run,
  'cdc-latency': async () => (await import('./benches/cdc-latency.ts')).run,
  'outbox-poll': async () => (await import('./benches/outbox-poll.ts')).run,
  'relay-ab': async () => (await import('./benches/relay-ab.ts')).run,
};

export const drills: Record<string, () => Promise<Runnable>> = {
  'cdc-view': async () => (await import('./drills/cdc-view.ts')).run,
  'payment-crash': async () => (await import('./drills/payment-crash.ts')).run,
  'late-duplicate': async () => (await import('./drills/late-duplicate.ts')).run,
  'relay-crash': async () => (await import('./drills/relay-crash.ts')).run,
  'dual-write': async () => (await import('./drills/dual-write.ts')).run,
  'relay-replicas': async () => (await import('./drills/relay-replicas.ts')).run,
  poison: async () => (await import('./drills/poison.ts')).run,
  'dlq-replay': async () => (await import('./drills/dlq-replay.ts')).run,
  reconcile: async () => (await import('./drills/reconcile.ts')).run,
  'ui-honesty': async () => (await import('./drills/ui-honesty.ts')).run,
  'stalled-slot': async () => (await import('./drills/stalled-slot.ts')).run,
  'long-txn': async () => (await import('./drills/long-txn.ts')).run,
  'fault-campaign': async () => (await import('./fault-campaign/run.ts')).run,
};
