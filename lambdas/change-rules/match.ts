import type { Row, TableChange } from './change.ts';
import { MissingBeforeImageError } from './errors.ts';
import type { ChangeRule } from './rule.ts';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The columns whose value differs between the before and after images (an update's "which columns changed"). */
export function changedColumns(before: Row, after: Row): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !same(before[name], after[name])).sort();
}

const equalsAll = (row: Row | null, wanted: Record<string, unknown> | undefined) =>
  wanted === undefined || (row !== null && Object.entries(wanted).every(([col, v]) => same(row[col], v)));

/**
 * Whether `change` triggers `rule`. Pure. Snapshot reads never do. For an update with a `changed` filter the
 * before image is required; its absence throws MissingBeforeImageError rather than guessing.
 */
export function matchRule(change: TableChange, rule: ChangeRule): boolean {
  if (change.table !== rule.table || change.op === 'read') return false;
  if (!rule.operations.includes(change.op)) return false;
  const when = rule.when;
  if (when === undefined) return true;
  if (when.new !== undefined && !equalsAll(change.after, when.new)) return false;
  if (when.old !== undefined && !equalsAll(change.before, when.old)) return false;
  if (when.changed !== undefined && change.op === 'update') {
    if (change.before === null || change.after === null)
      throw new MissingBeforeImageError(rule.name, change.table, change.lsn);
    const changed = changedColumns(change.before, change.after);
    const { anyOf, ignore } = when.changed;
    if (anyOf !== undefined && !changed.some((c) => anyOf.includes(c))) return false;
    if (ignore !== undefined && changed.every((c) => ignore.includes(c))) return false;
  }
  return true;
}
