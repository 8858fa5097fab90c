import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentContext } from './kit/context.ts';
import { reportsDir, writeReport } from './kit/report.ts';
import { benches, drills } from './registry.ts';

// Every drill and bench, in quick mode, so none can rot. Drills must pass (they are correctness proofs); benches
// must produce their figures — whether a speed goal is met is for `npm run bench`, not a timed test.
/** Drills that need longer than the default 300 s. fault-campaign: cloud start-up (85–110 s measured), 90 s of load,
 *  and up to 240 s after the last fault for the backlog to drain (drills/fault-campaign/README.md). */
const quickTimeoutsMs: Record<string, number> = { 'fault-campaign': 600_000 };

describe('quick mode', () => {
  for (const [name, load] of Object.entries(drills)) {
    it(`drill ${name} passes and writes its report`, {
      timeout: quickTimeoutsMs[name] ?? 300_000,
    }, async () => {
      const { report, readable } = await (await load())(silentContext());
      await writeReport(report, readable);
      // The metrics in the message: a failure in CI says which rule broke without a second run.
      expect(report, JSON.stringify(report.metrics)).toMatchObject({ drill: name, passed: true });
    });
  }

  for (const [name, load] of Object.entries(benches)) {
    it(`bench ${name} writes its figures`, { timeout: 300_000 }, async () => {
      const { report, readable } = await (await load())(silentContext());
      await writeReport(report, readable);
      const written = JSON.parse(readFileSync(join(reportsDir, `${name}.json`), 'utf8'));
      expect(Object.keys(written)).toEqual(['drill', 'passed', 'metrics', 'evidence']);
      expect(Object.keys(report.metrics).length).toBeGreaterThan(0);
      expect(existsSync(join(reportsDir, `${name}.md`))).toBe(true);
    });
  }

  it('the write-path bench reports every arm: rate, ratio to bare, WAL and CPU per transaction', async () => {
    const written = JSON.parse(readFileSync(join(reportsDir, 'write-path.json'), 'utf8'));
    const { metrics } = written;
    expect(metrics.bareTps).toBeGreaterThan(0);
    expect(metrics.outboxTps).toBeGreaterThan(0);
    expect(metrics.ratio).toBe(metrics.arms[metrics.design].ratio);
    expect(Object.keys(metrics.arms)).toEqual(expect.arrayContaining(['bare', 'outbox', 'wal-only']));
    for (const arm of Object.values(metrics.arms) as Array<Record<string, number>>) {
      expect(arm.walBytesPerTx).toBeGreaterThan(0);
      expect(arm.ratioMin).toBeLessThanOrEqual(arm.ratio as number);
    }
  });
});
