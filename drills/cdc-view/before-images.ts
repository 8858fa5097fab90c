import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderPk } from '../../lambdas/order-view/view-item.ts';
import { type Item, scanAll } from './view.ts';

export type BeforeImageProblem = { orderId: string; problem: string };

/**
 * Every deleted order must have one history item whose `before` equals the row as it was just before the
 * DELETE, column for column (jsonb compared as JSON, timestamps to the microsecond, numbers by value).
 */
export async function checkBeforeImages(
  doc: DynamoDBDocumentClient,
  tableName: string,
  beforeImages: ReadonlyMap<string, Item>,
) {
  return compareBeforeImages(await scanAll(doc, tableName), beforeImages);
}

/** The comparison itself, over a scan of the whole view. */
export function compareBeforeImages(view: Item[], beforeImages: ReadonlyMap<string, Item>) {
  const problems: BeforeImageProblem[] = [];
  for (const [orderId, row] of beforeImages) {
    const history = view.filter((i) => i.pk === orderPk(orderId) && String(i.sk).startsWith('DELETED#'));
    if (history.length !== 1) {
      problems.push({ orderId, problem: `${history.length} history items` });
      continue;
    }
    const before = (history[0]?.before ?? {}) as Item;
    const columns = new Set([...Object.keys(row), ...Object.keys(before)]);
    for (const column of columns) {
      if (!(column in before)) problems.push({ orderId, problem: `column ${column} missing` });
      else if (!(column in row)) problems.push({ orderId, problem: `unexpected column ${column}` });
      else if (normalise(before[column]) !== normalise(row[column]))
        problems.push({
          orderId,
          problem: `${column}: view ${JSON.stringify(before[column])} ≠ row ${JSON.stringify(row[column])}`,
        });
    }
  }
  const failed = new Set(problems.map((p) => p.orderId));
  return { complete: beforeImages.size - failed.size, problems };
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/;

/** One comparable text per value: Debezium writes jsonb as text and trims a timestamp's trailing zeros. */
export function normalise(value: unknown): string {
  if (typeof value === 'string') {
    const ts = TIMESTAMP.exec(value);
    if (ts) {
      const seconds = Date.parse(`${ts[1]}${ts[3] === 'Z' ? 'Z' : ts[3]}`) / 1000;
      return `ts:${seconds}.${(ts[2] ?? '').padEnd(6, '0').slice(0, 6)}`;
    }
    if (/^[[{]/.test(value)) {
      try {
        return `json:${JSON.stringify(JSON.parse(value))}`;
      } catch {
        return `text:${value}`;
      }
    }
    return `text:${value}`;
  }
  if (typeof value === 'object' && value !== null) return `json:${JSON.stringify(value)}`;
  return typeof value === 'number' || typeof value === 'bigint' ? `text:${value}` : String(value);
}
