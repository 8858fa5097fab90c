import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { reportsDir } from './kit/report.ts';
import { quickModeTests } from './quick-mode.ts';

// The drills and benches that start no local cloud, beside the cloud lane (drills/quick-mode.ts).
quickModeTests('light');

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
