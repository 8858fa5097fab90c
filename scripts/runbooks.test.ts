import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { config, consumerRetryBudget, consumerVisibilityTimeout } from '../cdk/lib/config.ts';
import { fromRepoRoot, repoRoot } from '../cdk/lib/paths.ts';
import { backoffSeconds } from '../lambdas/consumers/failure-policy.ts';
import { gaugeDefinitions } from '../lambdas/oncall/gauges.ts';

// The runbooks as on-call meets them at 3 a.m.: one entry page that reaches every gauge's runbook, every runbook
// reachable back to it and saying what its fixes cost, links that resolve, and retry timings that are the stack's.
const dir = fromRepoRoot('docs/runbooks');
const runbooks = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort();
const text = (f: string) => readFileSync(join(dir, f), 'utf8');

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)));
}

describe('runbooks', () => {
  it('have an entry page that links every gauge the panel shows', () => {
    const entry = text('README.md');
    for (const gauge of gaugeDefinitions)
      expect(entry, gauge.id).toContain(`](${gauge.runbook.replace('docs/runbooks/', '')})`);
  });

  it('is linked from the on-call panel, outside the gauge cards (whose first link is their own runbook)', () => {
    const page = readFileSync(fromRepoRoot('web/src/OnCallPage.tsx'), 'utf8');
    expect(page).toContain("'/docs/runbooks/README.md'");
    expect(page.indexOf('entryRunbook}')).toBeLessThan(page.indexOf('function GaugeCard'));
  });

  it.each(runbooks.filter((f) => f !== 'README.md'))(
    '%s links back to the entry page and prices its fixes',
    (f) => {
      expect(text(f)).toContain('](README.md)');
      expect(text(f)).toMatch(/What (a fix|it) costs/);
    },
  );

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const f of runbooks)
      for (const [, target] of text(f).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, hash] = target!.split('#') as [string, string | undefined];
        const file = path === '' ? join(dir, f) : normalize(join(dir, path));
        if (!file.startsWith(repoRoot) || !existsSync(file)) {
          broken.push(`${f}: ${target}`);
          continue;
        }
        if (hash && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(hash))
          broken.push(`${f}: ${target} (no such heading in ${dirname(file) === dir ? path || f : path})`);
      }
    expect(broken).toEqual([]);
  });

  it("quote the consumers' retry timings as cdk/lib/config.ts sets them", () => {
    const budget = consumerRetryBudget();
    const waits = Array.from({ length: config.messageAttempts - 1 }, (_, i) =>
      backoffSeconds(i + 1, budget, () => 1, budget.backoffMaxSeconds),
    );
    const quoted = `${waits.join(', ')} s`;
    for (const f of ['consumer-lag.md', 'end-to-end-latency.md']) expect(text(f), f).toContain(quoted);
    // The visibility timeout is what a crash or a timeout costs, never "each retry".
    const visibility = `${consumerVisibilityTimeout().toSeconds()} s`;
    for (const f of runbooks)
      for (const line of text(f)
        .split('\n')
        .filter((l) => l.includes(visibility)))
        expect(line, `${f}: ${line}`).toMatch(/crash/);
    for (const f of runbooks) expect(text(f), f).not.toMatch(/each retry waits/i);
  });
});
