import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { THRESHOLD_LAYER } from '../../lambdas/oncall/gauge-chart.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { devAuthHeaders } from '../../localstack/stand-ins/auth/dev-token.ts';
import { waitFor } from '../kit/drill-cloud.ts';
import { reportsDir } from '../kit/report.ts';

/** The gauges API's answer, as far as the panel is checked against it. */
export interface GaugesAnswer {
  gauges: Array<{ id: string; state: string; value: number | null; runbook: string; thresholds: unknown[] }>;
}

/** `GET /oncall/gauges` as the on-call engineer of the drill. */
export async function readGaugesApi(cloud: LocalCloud): Promise<GaugesAnswer> {
  const response = await fetch(`${cloud.endpoints.api}/oncall/gauges`, {
    headers: await devAuthHeaders('oncall-drill', 'oncall'),
  });
  return (await response.json()) as GaugesAnswer;
}

/**
 * Calls the gauges API until it answers 200, so the panel's first load is not a cold start: the on-call function
 * loads Vega and draws four charts, which on a loaded 2-core machine can pass its 10 s timeout, and a timed-out
 * worker starts cold again. As `warmUp` does for the order API, cold starts are not what this drill measures.
 */
export async function warmOnCallApi(cloud: LocalCloud, timeoutMs = 90_000): Promise<boolean> {
  const answered = await waitFor(
    async () => {
      const response = await fetch(`${cloud.endpoints.api}/oncall/gauges`, {
        headers: await devAuthHeaders('oncall-drill', 'oncall'),
      }).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    timeoutMs,
    1000,
  );
  return answered === true;
}

/** A chart drawn at a size a reader can take in (the card's width, a few hundred pixels tall). */
const READABLE_CHART_PX = { min: 100, max: 600 };

/**
 * The on-call panel, with its own sign-in and `oncall` role, against `GET /oncall/gauges`: consistent when it
 * shows the four gauges exactly as the API returned them (state, value or "no data yet", runbook link). Also
 * counts, per card, the chart's SVG marks: the threshold rules (Vega's `thresholds_marks` group) and the
 * datapoints drawn, and measures the chart's height on the page.
 */
export async function onCallPanel(browser: Browser, cloud: LocalCloud, name: string) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${cloud.endpoints.web}/#/oncall`);
  await page.getByLabel('Engineer id').fill('oncall-drill');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid="gauge"]').nth(3).waitFor({ timeout: 20_000 });
  const shown = await page.locator('[data-testid="gauge"]').evaluateAll(
    (cards, ruleClass) =>
      cards.map((c) => {
        const chart = c.querySelector('[data-testid="gauge-chart"] svg');
        return {
          id: (c as HTMLElement).dataset.gauge,
          state: (c as HTMLElement).dataset.state,
          value: c.querySelector('[data-testid="gauge-value"]')?.textContent ?? '',
          runbook: c.querySelector('[data-testid="gauge-runbook"]')?.getAttribute('href') ?? '',
          chart: chart !== null,
          thresholdRules: chart?.querySelectorAll(`g.${ruleClass} line, g.${ruleClass} path`).length ?? 0,
          pointsDrawn: chart?.querySelectorAll('g.mark-symbol.role-mark path').length ?? 0,
          chartHeightPx: Math.round(chart?.getBoundingClientRect().height ?? 0),
        };
      }),
    `${THRESHOLD_LAYER}_marks`,
  );
  const api = await readGaugesApi(cloud);
  const consistent =
    api.gauges.length === 4 &&
    api.gauges.every((g) => {
      const card = shown.find((s) => s.id === g.id);
      return (
        card !== undefined &&
        card.state === g.state &&
        card.runbook === `/${g.runbook}` &&
        (g.value === null) === card.value.startsWith('no data yet') &&
        card.thresholdRules === g.thresholds.length
      );
    });
  const chartsWithThresholds = shown.filter(
    (s) =>
      s.chart &&
      s.thresholdRules > 0 &&
      s.chartHeightPx >= READABLE_CHART_PX.min &&
      s.chartHeightPx <= READABLE_CHART_PX.max,
  ).length;
  const screenshotFile = `${name}.png`;
  await page.screenshot({ path: join(reportsDir, screenshotFile), fullPage: true });
  await context.close();
  return { shown, consistent, chartsWithThresholds, screenshot: screenshotFile };
}
