import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { functionIdByEntry, mappingIdsOf } from '../../cdk/lib/template.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { waitFor } from '../kit/drill-cloud.ts';
import { clickAt, clickCount, observations } from './observer.ts';

export interface Submit {
  kind: 'single' | 'double-click' | 'lost-answer';
  clickAt: number;
  orderId?: string;
  pendingShownMs?: number;
  /** The forced refetch of the list during the window: did the list contain the order, and did the row stay? */
  refetch?: { listHadOrder: boolean; rowKept: boolean };
}

/** Holds the order view's change feed (OrderChanges → OrderView λ) so the list lags for certain. */
export interface ViewHold {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export function viewHold(cloud: LocalCloud): ViewHold {
  const [mapping] = mappingIdsOf(
    cloud.template,
    functionIdByEntry(cloud.template, 'lambdas/order-view/handler.ts'),
  );
  if (!mapping) throw new Error('no event-source mapping feeds the order view');
  return {
    pause: () => cloud.runtime.setMappingEnabled(mapping, false),
    resume: () => cloud.runtime.setMappingEnabled(mapping, true),
  };
}

/**
 * Clicks (via `act`), waits for the new order's row to show pending, then forces a refetch of the list at once —
 * inside the consistency window — and checks the row is still there after the refetched list arrived.
 */
export async function submitAndRefetch(
  page: Page,
  view: ViewHold,
  kind: Submit['kind'],
  act: () => Promise<unknown>,
): Promise<Submit> {
  await view.pause();
  try {
    return await submitAndRefetchHeld(page, kind, act);
  } finally {
    await view.resume();
  }
}

async function submitAndRefetchHeld(
  page: Page,
  kind: Submit['kind'],
  act: () => Promise<unknown>,
): Promise<Submit> {
  const before = new Set(
    await page
      .locator('[data-testid="order-row"]')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.orderId)),
  );
  const clicksBefore = await clickCount(page);
  await act();
  const newRow = await waitFor(
    async () => (await observations(page)).find((o) => !before.has(o.id) && o.status === 'pending'),
    15_000,
    10,
  );
  const submit: Submit = { kind, clickAt: await clickAt(page, clicksBefore) };
  if (!newRow) return submit;
  submit.orderId = newRow.id;
  submit.pendingShownMs = newRow.t - submit.clickAt;
  const listed = page.waitForResponse((r) => r.url().endsWith('/orders') && r.request().method() === 'GET');
  await page
    .getByTestId('refresh')
    .click({ timeout: 5000 })
    .catch(async () => {
      // The button is disabled while a scheduled poll is in flight: that poll is the refetch then.
    });
  const response = await listed;
  const list = (await response.json()) as { orders: Array<{ id: string }> };
  await sleep(50);
  const rowKept = (await page.locator(`[data-order-id="${newRow.id}"]`).count()) === 1;
  submit.refetch = { listHadOrder: list.orders.some((o) => o.id === newRow.id), rowKept };
  return submit;
}
