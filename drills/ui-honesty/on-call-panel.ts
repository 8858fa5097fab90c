import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { devAuthHeaders } from '../../localstack/stand-ins/auth/dev-token.ts';
import { reportsDir } from '../kit/report.ts';

/**
 * The on-call panel, with its own sign-in and `oncall` role, against `GET /oncall/gauges`: consistent when it
 * shows the four gauges exactly as the API returned them (state, value or "no data yet", runbook link).
 */
export async function onCallPanel(browser: Browser, cloud: LocalCloud, name: string) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${cloud.endpoints.web}/#/oncall`);
  await page.getByLabel('Engineer id').fill('oncall-drill');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid="gauge"]').nth(3).waitFor({ timeout: 20_000 });
  const shown = await page.locator('[data-testid="gauge"]').evaluateAll((cards) =>
    cards.map((c) => ({
      id: (c as HTMLElement).dataset.gauge,
      state: (c as HTMLElement).dataset.state,
      value: c.querySelector('[data-testid="gauge-value"]')?.textContent ?? '',
      runbook: c.querySelector('a')?.getAttribute('href') ?? '',
    })),
  );
  const api = (await (
    await fetch(`${cloud.endpoints.api}/oncall/gauges`, {
      headers: await devAuthHeaders('oncall-drill', 'oncall'),
    })
  ).json()) as { gauges: Array<{ id: string; state: string; value: number | null; runbook: string }> };
  const consistent =
    api.gauges.length === 4 &&
    api.gauges.every((g) => {
      const card = shown.find((s) => s.id === g.id);
      return (
        card !== undefined &&
        card.state === g.state &&
        card.runbook === `/${g.runbook}` &&
        (g.value === null) === card.value.startsWith('no data yet')
      );
    });
  const screenshotFile = `${name}.png`;
  await page.screenshot({ path: join(reportsDir, screenshotFile), fullPage: true });
  await context.close();
  return { shown, consistent, screenshot: screenshotFile };
}
