import type { RunContext } from './kit/context.ts';
import type { ReadableReport, Report } from './kit/report.ts';

export type Runnable = (ctx: RunContext) => Promise<{ report: Report; readable: ReadableReport }>;

/** Every drill and bench by name; `npm test` runs each in quick mode so none can rot. */
export const benches: Record<string, () => Promise<Runnable>> = {
  'write-path': async () => (await import('./write-path/run.ts')).run,
  'emulator-fidelity': async () => (await import('./emulator-fidelity/run.ts')).run,
  'cdc-latency': async () => (await import('./cdc-latency/run.ts')).run,
  'outbox-poll': async () => (await import('./outbox-poll/run.ts')).run,
  'relay-ab': async () => (await import('./relay-ab/run.ts')).run,
  soak: async () => (await import('./soak/run.ts')).run,
};

export const drills: Record<string, () => Promise<Runnable>> = {
  'cdc-view': async () => (await import('./cdc-view/run.ts')).run,
  'cdc-view-mariadb': async () => (await import('./cdc-view-mariadb/run.ts')).run,
  'payment-crash': async () => (await import('./payment-crash/run.ts')).run,
  'late-duplicate': async () => (await import('./late-duplicate/run.ts')).run,
  'relay-crash': async () => (await import('./relay-crash/run.ts')).run,
  'dual-write': async () => (await import('./dual-write/run.ts')).run,
  'relay-replicas': async () => (await import('./relay-replicas/run.ts')).run,
  poison: async () => (await import('./poison/run.ts')).run,
  'dlq-replay': async () => (await import('./dlq-replay/run.ts')).run,
  reconcile: async () => (await import('./reconcile/run.ts')).run,
  'ui-honesty': async () => (await import('./ui-honesty/run.ts')).run,
  'stalled-slot': async () => (await import('./stalled-slot/run.ts')).run,
  'long-txn': async () => (await import('./long-txn/run.ts')).run,
  'snapshot-freeze': async () => (await import('./snapshot-freeze/run.ts')).run,
  'fault-campaign': async () => (await import('./fault-campaign/run.ts')).run,
  'schema-change': async () => (await import('./schema-change/run.ts')).run,
  'cross-table': async () => (await import('./cross-table/run.ts')).run,
  'hot-key': async () => (await import('./hot-key/run.ts')).run,
};
