import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagePath } from '../results-files.ts';
import { chromiumPath } from './chromium.ts';
import { reportsDir } from './report.ts';
import { readResults } from './results.ts';

/** The committed page, opened from disk in Chromium as a reader would: every recorded report and chart shows. */
describe('drills/results/index.html in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => browser?.close());

  it('shows every recorded report with its verdict, run and charts, from disk with no server', async () => {
    const results = readResults();
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    await page.goto(pathToFileURL(pagePath).href);
    mkdirSync(reportsDir, { recursive: true });
    await page.screenshot({ path: join(reportsDir, 'results-page.png'), fullPage: true });

    expect(results.size).toBeGreaterThan(0);
    const shown = await page.locator('[data-report]').evaluateAll((sections) =>
      sections.map((s) => ({
        name: (s as HTMLElement).dataset.report,
        passed: (s as HTMLElement).dataset.passed,
        run: s.querySelector('[data-testid="run"]')?.textContent ?? '',
        charts: Array.from(s.querySelectorAll('[data-chart] img')).map((img) => ({
          file: img.parentElement?.dataset.chart,
          width: (img as HTMLImageElement).naturalWidth,
        })),
      })),
    );
    expect(shown.map((s) => s.name).sort()).toEqual([...results.keys()].sort());
    for (const [name, result] of results) {
      const section = shown.find((s) => s.name === name);
      expect(section, name).toBeDefined();
      expect(section?.passed).toBe(String(result.passed));
      expect(section?.run).toContain(result.commit.sha.slice(0, 12));
      expect(section?.run).toContain(result.mode);
      // Each chart decoded by the browser: an image that failed to load has no natural width.
      expect(section?.charts.map((c) => c.file)).toEqual(result.charts.map((c) => c.file));
      for (const chart of section?.charts ?? [])
        expect(chart.width, `${name}: ${chart.file}`).toBeGreaterThan(0);
    }
    // Everything is embedded: the page fetched nothing but itself.
    expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([pathToFileURL(pagePath).href]);
  });
});
