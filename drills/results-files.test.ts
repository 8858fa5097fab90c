import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acknowledgedSchema } from './kit/compare.ts';
import { resultsDir } from './kit/results.ts';
import { resultsPage } from './kit/results-page.ts';
import { readmeEnd, readmeStart, spliceReadme } from './kit/results-readme.ts';
import { acknowledgedPath, generatedReadme, pagePath, readmePath, resultRows } from './results-files.ts';

describe('drills/results/ and what is generated from it', () => {
  it('README.md’s results table is the one drills/results/ generates (`npm run drill -- readme`)', () => {
    const readme = readFileSync(readmePath, 'utf8');
    expect(readme).toBe(generatedReadme(readme));
  });

  it('drills/results/index.html is the page drills/results/ generates (`npm run drill -- readme`)', () => {
    expect(readFileSync(pagePath, 'utf8')).toBe(resultsPage(resultRows(), resultsDir));
  });

  it('declares what every drill and bench proves, with at least one headline figure', () => {
    for (const row of resultRows()) expect(row.evidence.headline.length, row.name).toBeGreaterThan(0);
  });

  it('keeps only well-formed acknowledgements, each with a reason', () => {
    expect(() => acknowledgedSchema.parse(JSON.parse(readFileSync(acknowledgedPath, 'utf8')))).not.toThrow();
  });

  it('replaces only the text between the markers', () => {
    const readme = `before\n${readmeStart}\nold\n${readmeEnd}\nafter\n`;
    expect(spliceReadme(readme, 'new')).toBe(readme.replace('old', 'new'));
    expect(() => spliceReadme('no markers', 'new')).toThrow(/results:start/);
  });
});
