import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { apiClient, oneItemOrder, undefinedOnHttpError } from '../kit/api-client.ts';
import { chromiumPath } from '../kit/chromium.ts';
import type { RunContext } from '../kit/context.ts';
import { waitFor, withDrillCloud } from '../kit/drill-cloud.ts';
import { type ReadableReport, type Report, reportsDir } from '../kit/report.ts';
import { type Observation, observations, observerScript } from './observer.ts';
import { onCallPanel, warmOnCallApi } from './on-call-panel.ts';
import { poisonPaymentQueue } from './poison.ts';
import { publishProbe } from './probe.ts';
import { readable } from './report.ts';
import { type Submit, submitAndRefetch, viewHold } from './submit.ts';
import { type DbOrder, judge } from './verdict.ts';

/**
 * Drill: the UI tells the truth, in real Chromium (Debian's, driven by playwright-core) against the local cloud
 * with the payment step slowed on purpose (gateway latency fault). Asserts: a placed order shows as pending within
 * 200 ms of the click; no order shows confirmed before Postgres says so; a forced refetch of the eventually
 * consistent list during the window keeps the new order; a double click and a lost POST answer make one order.
 */

const GATEWAY_LATENCY_MS = 1500;
const DECLINED_CENTS = 666;
/** Malformed messages put on the payment queue before the last on-call screenshot. */
const POISON_MESSAGES = 3;

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  return withDrillCloud(
    'ui-honesty',
    ctx,
    () => ({}),
    ({ cloud }) => drill(ctx, cloud),
  );
}

async function drill(
  ctx: RunContext,
  cloud: LocalCloud,
): Promise<{ report: Report; readable: ReadableReport }> {
  const singles = ctx.quick ? 3 : 12;
  const customerId = `c-ui-${randomUUID().slice(0, 8)}`;
  const db = new pg.Client({ connectionString: cloud.database.admin });
  await db.connect();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox'],
  });
  mkdirSync(reportsDir, { recursive: true });
  const shots: Record<string, string> = {};
  try {
    const page = await prepare(cloud, browser, customerId);
    const submits = await placeOrders(ctx, cloud, page, singles, shots);
    const seen = await observe(page, db, customerId, submits, shots);

    // The on-call panel, with its own sign-in and role: it shows exactly what the gauges API returned.
    const onCallWarm = await warmOnCallApi(cloud);
    const empty = await onCallPanel(browser, cloud, 'ui-honesty-oncall-empty');
    shots.oncallEmpty = empty.screenshot;
    const probe = await publishProbe(cloud, db, customerId);
    // A step that moves the charts: poison on the payment queue fills its DLQ and shows as consumer lag.
    const poison = await poisonPaymentQueue(cloud, POISON_MESSAGES);
    const panel = await onCallPanel(browser, cloud, 'ui-honesty-oncall');
    shots.oncall = panel.screenshot;

    const { passed, metrics, premature } = judge(
      {
        submits,
        observations: seen.observations,
        dbOrders: seen.rows,
        settled: seen.settled,
        onCallConsistent: empty.consistent && panel.consistent,
        onCallChartsWithThresholds: panel.chartsWithThresholds,
      },
      ctx.quick ? 'report' : 'gate',
    );
    const report: Report = {
      drill: 'ui-honesty',
      passed,
      metrics,
      evidence: {
        quick: ctx.quick,
        gatewayLatencyMs: GATEWAY_LATENCY_MS,
        submits,
        premature,
        dbOrders: seen.rows.map((r) => ({ id: r.id, status: r.status, idempotencyKey: r.idempotency_key })),
        observations: seen.observations,
        onCallBeforeProbe: empty.shown,
        onCall: panel.shown,
        onCallProbe: probe,
        onCallPoison: poison,
        onCallWarm,
        screenshots: shots,
      },
    };
    return { report, readable: readable(report, shots, GATEWAY_LATENCY_MS) };
  } finally {
    await browser.close().catch(() => {});
    await db.end().catch(() => {});
  }
}

/** The gateway slowed (and one amount declined), the API warm, and the customer signed in on a phone-sized page. */
async function prepare(cloud: LocalCloud, browser: Browser, customerId: string): Promise<Page> {
  await fetch(`${cloud.paymentGateway.url}/_faults`, {
    method: 'POST',
    body: JSON.stringify({ latencyMs: GATEWAY_LATENCY_MS, declineAmountsCents: [DECLINED_CENTS] }),
  });
  await warmUp(cloud);

  // A phone-sized window: the order page must be usable there.
  const context = await browser.newContext({ viewport: { width: 412, height: 915 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.addInitScript({ content: observerScript });
  await page.goto(cloud.endpoints.web);
  await page.getByLabel('Customer id').fill(customerId);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('place-order').waitFor();
  await page.getByText('No orders yet.').waitFor();
  return page;
}

/** Concurrent requests through both API function containers and the authorizer: cold starts are not measured. */
async function warmUp(cloud: LocalCloud): Promise<void> {
  // Only that each request went through matters here, not its answer.
  const api = apiClient(cloud.endpoints.api, 'c-warmup');
  for (let round = 0; round < 3; round++)
    await Promise.all(Array.from({ length: 3 }, () => api.list().catch(undefinedOnHttpError)));
  // POSTs too, concurrently, so every API container has opened its Postgres connection before the first click.
  for (let round = 0; round < 2; round++)
    await Promise.all(
      Array.from({ length: 3 }, () => api.place(oneItemOrder('WARM-1', 100)).catch(undefinedOnHttpError)),
    );
}

/**
 * The orders, each placed while the order view's feed is held: single clicks (the second at the decline amount),
 * a double click, and a POST whose answer is lost after the server created the order.
 */
async function placeOrders(
  ctx: RunContext,
  cloud: LocalCloud,
  page: Page,
  singles: number,
  shots: Record<string, string>,
): Promise<Submit[]> {
  const view = viewHold(cloud);
  const submits: Submit[] = [];
  const bar = ctx.progress('ui-honesty orders', singles + 2);
  for (let i = 0; i < singles; i++) {
    await page.getByLabel('Item').selectOption(i === 1 ? 'TEST-666' : 'BOOK-1');
    submits.push(await submitAndRefetch(page, view, 'single', () => page.getByTestId('place-order').click()));
    bar.tick();
    await sleep(300);
  }
  // A double click: two clicks in one task, before React can re-render the disabled button.
  await page.getByLabel('Item').selectOption('MUG-1');
  submits.push(
    await submitAndRefetch(page, view, 'double-click', () =>
      page.getByTestId('place-order').evaluate((b: HTMLButtonElement) => {
        b.click();
        b.click();
      }),
    ),
  );
  bar.tick();
  shots.pending = await screenshot(page, 'ui-honesty-pending');
  // A flaky network: the first POST reaches the server (the order is created) but its answer is lost.
  let dropped = 0;
  await page.route('**/orders', async (route) => {
    if (route.request().method() !== 'POST' || dropped > 0) return route.fallback();
    dropped++;
    await route.fetch();
    await route.abort('connectionreset');
  });
  submits.push(
    await submitAndRefetch(page, view, 'lost-answer', () => page.getByTestId('place-order').click()),
  );
  await page.unroute('**/orders');
  bar.done();
  return submits;
}

/** Waits for the truth to arrive (every order shown settled), then reads what the page showed and Postgres holds. */
async function observe(
  page: Page,
  db: pg.Client,
  customerId: string,
  submits: Submit[],
  shots: Record<string, string>,
): Promise<{ settled: boolean; observations: Observation[]; rows: DbOrder[] }> {
  const orderIds = submits.map((s) => s.orderId).filter((id): id is string => id !== undefined);
  const settled = await waitFor(
    async () => {
      const statuses = await page
        .locator('[data-testid="order-row"]')
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.status));
      return statuses.length >= orderIds.length && statuses.every((s) => s !== 'pending')
        ? statuses
        : undefined;
    },
    60_000,
    250,
  );
  await sleep(500);
  shots.orders = await screenshot(page, 'ui-honesty-orders');
  const seen = await observations(page);
  const { rows } = await db.query<DbOrder>(
    'SELECT id, status, updated_at, idempotency_key FROM orders WHERE customer_id = $1',
    [customerId],
  );
  return { settled: settled !== undefined, observations: seen, rows };
}

async function screenshot(page: Page, name: string): Promise<string> {
  const file = `${name}.png`;
  await page.screenshot({ path: join(reportsDir, file), fullPage: true });
  return file;
}
