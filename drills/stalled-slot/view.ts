import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import { CURRENT_SK } from '../../lambdas/order-view/view-item.ts';

export type ViewDiff = { orderId: string; source: unknown; view: unknown };

/** Every current item of the order view, by order id (consistent reads). */
async function currentView(doc: DynamoDBDocumentClient, table: string) {
  const view = new Map<string, Record<string, unknown>>();
  let start: Record<string, unknown> | undefined;
  do {
    const out: ScanCommandOutput = await doc.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const item of out.Items ?? []) if (item.sk === CURRENT_SK) view.set(String(item.orderId), item);
    start = out.LastEvaluatedKey;
  } while (start);
  return view;
}

/**
 * Waits until every order of the source (but those in `skip`) is in the view with the same version and status, or
 * `giveUp(diffs so far)` says no more will come; returns the diffs.
 */
export async function waitForView(
  db: pg.Client,
  doc: DynamoDBDocumentClient,
  table: string,
  timeoutMs: number,
  skip: ReadonlySet<string> = new Set(),
  giveUp: (diffs: number) => boolean = () => false,
): Promise<{ diffs: ViewDiff[] }> {
  const deadline = Date.now() + timeoutMs;
  let diffs: ViewDiff[] = [];
  while (Date.now() < deadline) {
    const source = (
      await db.query<{ id: string; status: string; version: number }>(
        'SELECT id, status, version FROM orders',
      )
    ).rows;
    const view = await currentView(doc, table);
    diffs = source
      .filter((o) => {
        if (skip.has(o.id)) return false;
        const v = view.get(o.id);
        return !v || v.status !== o.status || Number(v.version) !== Number(o.version);
      })
      .map((o) => ({
        orderId: o.id,
        source: { status: o.status, version: o.version },
        view: view.get(o.id) ?? null,
      }));
    if (diffs.length === 0 || giveUp(diffs.length)) return { diffs };
    await sleep(1000);
  }
  return { diffs };
}

/**
 * The order-view function's quarantined records so far, from its log in the cloud's `logDir`: how many, and the
 * distinct reasons (a record the view cannot apply never reaches it, so this says why a view differs).
 */
export function viewQuarantine(logDir: string): { count: number; reasons: string[] } {
  const file = existsSync(logDir)
    ? readdirSync(logDir).find((f) => f.startsWith('lambda-OrderViewProjection'))
    : undefined;
  if (!file) return { count: 0, reasons: [] };
  const reasons = new Set<string>();
  let count = 0;
  for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
    if (!line.includes('"record quarantined"')) continue;
    count++;
    const reason = /"reason":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    if (reason) reasons.add(reason);
  }
  return { count, reasons: [...reasons].slice(0, 5) };
}

/**
 * Gives up on the view once it quarantined records since `before` and its diffs have not fallen for `quietMs`: the
 * records it could not apply will never arrive, and waiting out the deadline would only lengthen the run.
 */
export function stuckOnQuarantine(logDir: string, before: number, quietMs = 10_000) {
  let best = Number.POSITIVE_INFINITY;
  let improvedAt = Date.now();
  return (diffs: number): boolean => {
    if (diffs < best) {
      best = diffs;
      improvedAt = Date.now();
    }
    return Date.now() - improvedAt >= quietMs && viewQuarantine(logDir).count > before;
  };
}
