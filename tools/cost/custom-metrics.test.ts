import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRepoRoot, repoRoot } from '../../cdk/lib/paths.ts';
import { SEQUENCE_ANOMALIES_METRIC } from '../../lambdas/consumers/sequence-order.ts';
import { metricNames } from '../../lambdas/shared/metric-names.ts';
import { countCustomMetrics, metricPublishers, slotMonitorMetricNames } from './custom-metrics.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The first argument of every `addMetric(…)` in the product's code, resolved to the name it publishes. */
function publishedNames(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of [...sources(fromRepoRoot('lambdas')), ...sources(fromRepoRoot('services'))])
    for (const [, arg] of readFileSync(file, 'utf8').matchAll(/\.addMetric\(\s*([^,]+),/g)) {
      const a = arg!.trim();
      const name =
        /^'([^']+)'$/.exec(a)?.[1] ??
        (a.startsWith('metricNames.') ? metricNames[a.slice(12) as keyof typeof metricNames] : undefined) ??
        (a === 'SEQUENCE_ANOMALIES_METRIC' ? SEQUENCE_ANOMALIES_METRIC : undefined);
      if (name === undefined) throw new Error(`${relative(repoRoot, file)}: cannot resolve metric name ${a}`);
      found.set(name, relative(repoRoot, file));
    }
  return found;
}

describe('custom metrics the cost counts', () => {
  it('know every metric name the code publishes', () => {
    const known = new Set(metricPublishers.flatMap((p) => Object.keys(p.metrics)));
    const published = publishedNames();
    expect(published.size).toBeGreaterThan(20);
    expect([...published.keys()].filter((name) => !known.has(name))).toEqual([]);
  });

  it("count the slot monitor's from its own toMetrics: server-wide and per slot", () => {
    expect(slotMonitorMetricNames()).toEqual({
      server: ['SlotCapBytes', 'PgWalBytes', 'OldestTransactionAgeSeconds'],
      perSlot: expect.arrayContaining(['SlotRetainedWalBytes', 'SlotInactiveSeconds']),
    });
    const withTwoSlots = countCustomMetrics(3, 2, true);
    const withNone = countCustomMetrics(3, 0, true);
    expect(withTwoSlots.always - withNone.always).toBe(2 * slotMonitorMetricNames().perSlot.length);
  });
});
