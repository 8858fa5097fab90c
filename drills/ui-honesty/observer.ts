import type { Page } from 'playwright-core';

/** One change of an order row's status as the page showed it (ms epoch, the clock Postgres also uses). */
export interface Observation {
  id: string;
  status: string;
  t: number;
}

/**
 * Runs in the page before the app: stamps every order row status change and every submit click (ms epoch).
 * A string, not a function: tsx's transform would wrap named inner functions in a helper the page lacks.
 */
export const observerScript = `
  window.__obs = [];
  window.__clicks = [];
  const last = new Map();
  const scan = () => {
    for (const row of Array.from(document.querySelectorAll('[data-testid="order-row"]'))) {
      const id = row.dataset.orderId || '';
      const status = row.dataset.status || '';
      if (last.get(id) !== status) {
        last.set(id, status);
        window.__obs.push({ id, status, t: Date.now() });
      }
    }
  };
  document.addEventListener('click', (e) => {
    if (e.target && e.target.closest && e.target.closest('[data-testid="place-order"]')) window.__clicks.push(Date.now());
  }, true);
  new MutationObserver(scan).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'],
  });
`;

/** Every status change the observer stamped so far. */
export async function observations(page: Page): Promise<Observation[]> {
  return (await page.evaluate(() => (window as unknown as { __obs: unknown[] }).__obs)) as Observation[];
}

/** How many submit clicks the observer stamped so far. */
export function clickCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __clicks: number[] }).__clicks.length);
}

/** When submit click `n` (0-based) happened, or 0 if it did not. */
export function clickAt(page: Page, n: number): Promise<number> {
  return page.evaluate((i) => (window as unknown as { __clicks: number[] }).__clicks[i] ?? 0, n);
}
