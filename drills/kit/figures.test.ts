import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../localstack/lib/paths.ts';
import { flattenMetrics, headlineText } from './figures.ts';
import { withoutLocalPaths } from './results.ts';

describe('figures', () => {
  it('flattens nested metrics and arrays to dotted paths, keeping keys that hold a dot', () => {
    const flat = flattenMetrics({ arms: { bare: { tps: 10 } }, rates: [{ p99: 5 }], 'customer.lost': 0 });
    expect([...flat]).toEqual([
      ['arms.bare.tps', 10],
      ['rates.0.p99', 5],
      ['customer.lost', 0],
    ]);
  });

  it('prints each headline figure with its unit, and a dash for one the run did not report', () => {
    const text = headlineText(
      [
        { metric: 'bareTps', label: 'bare', unit: 'tx/s' },
        { metric: 'goalMet', label: 'goal met' },
        { metric: 'absent', label: 'absent', unit: 'ms' },
      ],
      { bareTps: 1237.5, goalMet: false },
    );
    expect(text).toBe('bare 1,237.5 tx/s, goal met no, absent —');
  });

  it('keeps no path of this machine in a committed result', () => {
    const text = JSON.stringify({
      logDir: join(repoRoot, '.holdline', 'logs'),
      cache: join(homedir(), '.cache'),
    });
    expect(withoutLocalPaths(text)).toBe(JSON.stringify({ logDir: './.holdline/logs', cache: '~/.cache' }));
  });
});
