import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logTail, silentContext } from './kit/context.ts';
import { keptLogsDir } from './kit/drill-cloud.ts';
import { reportsDir, writeReport } from './kit/report.ts';
import { benches, drills } from './registry.ts';

/**
 * `npm test` runs every drill and bench in quick mode, in two lanes side by side (two test files the `drills`
 * project runs in parallel): the drills that start a whole local cloud one after another, and beside them the
 * ones that need only a Postgres, an emulator or nothing. The light lane waits on timers and I/O more than it
 * uses the cores, and the suite must stay well under 30 minutes on 2 cores.
 */
export type Lane = 'cloud' | 'light';

/** Drills and benches that start no local cloud (a throwaway Postgres, one emulator, MariaDB, or nothing). */
const light = new Set([
  'write-path',
  'emulator-fidelity',
  'outbox-poll',
  'relay-ab',
  'dual-write',
  'relay-replicas',
  'long-txn',
  'snapshot-freeze',
  'cross-table',
  'hot-key',
]);

export const laneOf = (name: string): Lane => (light.has(name) ? 'light' : 'cloud');

/** Drills that need longer than the default 300 s. fault-campaign: cloud start-up (85–110 s measured), 90 s of load,
 *  and up to 240 s after the last fault for the backlog to drain (drills/fault-campaign/README.md). bulk-flurry:
 *  cloud start-up, a fourth JVM, two migrations each routed in 20–65 s on a busy machine (its README.md). */
const quickTimeoutsMs: Record<string, number> = { 'fault-campaign': 600_000, 'bulk-flurry': 600_000 };

/** Drills must pass (they are correctness proofs); benches must produce their figures — whether a speed goal is
 *  met is for `npm run bench`, not a timed test. */
export function quickModeTests(lane: Lane): void {
  describe(`quick mode (${lane} lane)`, () => {
    for (const [name, load] of Object.entries(drills)) {
      if (laneOf(name) !== lane) continue;
      it(`drill ${name} passes and writes its report`, {
        timeout: quickTimeoutsMs[name] ?? 300_000,
      }, async () => {
        const ctx = silentContext();
        const { report, readable } = await (await load())(ctx).catch((error: unknown) => {
          throw new Error(`drill ${name} threw; ${logTail(ctx.lines)}`, { cause: error });
        });
        await writeReport(report, readable);
        // The metrics and the log's tail in the message: a failure in CI says which rule broke, and often why,
        // without a second run.
        const logs = existsSync(keptLogsDir(name)) ? `\nits processes' logs: ${keptLogsDir(name)}` : '';
        expect(report, `${JSON.stringify(report.metrics)}\n${logTail(ctx.lines)}${logs}`).toMatchObject({
          drill: name,
          passed: true,
        });
      });
    }

    for (const [name, load] of Object.entries(benches)) {
      if (laneOf(name) !== lane) continue;
      it(`bench ${name} writes its figures`, { timeout: 300_000 }, async () => {
        const ctx = silentContext();
        const { report, readable } = await (await load())(ctx).catch((error: unknown) => {
          throw new Error(`bench ${name} threw; ${logTail(ctx.lines)}`, { cause: error });
        });
        await writeReport(report, readable);
        const written = JSON.parse(readFileSync(join(reportsDir, `${name}.json`), 'utf8'));
        expect(Object.keys(written)).toEqual(['drill', 'passed', 'metrics', 'evidence']);
        expect(Object.keys(report.metrics).length).toBeGreaterThan(0);
        expect(existsSync(join(reportsDir, `${name}.md`))).toBe(true);
      });
    }
  });
}
