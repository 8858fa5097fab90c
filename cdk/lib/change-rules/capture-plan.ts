import { type ChangeRule, needsOldValues } from '../../../lambdas/change-rules/rule.ts';
import type { DatabaseSchema } from './migration-schema.ts';

/** How one table is captured for the rules. */
export interface CapturedTable {
  table: string;
  /** The publication's column list; `all` publishes every column (no list). */
  columns: string[] | 'all';
  /** `full` when a rule reads old values (a `changed`/`old` filter, `images: both`); else the default (the key). */
  replicaIdentity: 'default' | 'full';
  /** The one-column primary key: the stream's partition key and the default FIFO group. */
  keyColumn: string;
}

/** The publication of the change-rules connector. */
export const RULES_PUBLICATION = 'holdline_rules';

/**
 * The capture the rules need, derived from them (rules must be valid: validate-rules.ts). A table a rule reads
 * old values of gets REPLICA IDENTITY FULL, and then every column (Postgres requires a column list to cover the
 * replica identity); otherwise the columns the rules read, plus the key, or all if a rule reads all.
 */
export function capturePlan(rules: readonly ChangeRule[], schema: DatabaseSchema): CapturedTable[] {
  const tables = [...new Set(rules.map((r) => r.table))].sort();
  return tables.map((table) => {
    const mine = rules.filter((r) => r.table === table);
    const { columns: all, primaryKey } = schema.get(table)!;
    const keyColumn = primaryKey[0]!;
    const full = mine.some(needsOldValues);
    const wantsAll = full || mine.some((r) => r.columns === undefined);
    const named = new Set([keyColumn, ...mine.flatMap(columnsRead)]);
    return {
      table,
      columns: wantsAll ? 'all' : all.filter((c) => named.has(c)),
      replicaIdentity: full ? 'full' : 'default',
      keyColumn,
    };
  });
}

function columnsRead(rule: ChangeRule): string[] {
  return [
    ...(rule.columns ?? []),
    ...Object.keys(rule.when?.new ?? {}),
    ...(rule.target.groupBy === undefined ? [] : [rule.target.groupBy]),
  ];
}

/**
 * The SQL that puts the plan in place, idempotent (run after every migration): the publication's table list
 * (with column lists), then REPLICA IDENTITY FULL where the plan needs it. The heartbeat table stays published.
 */
export function captureSql(plan: readonly CapturedTable[]): string[] {
  const entries = plan.map((t) =>
    t.columns === 'all' ? `public.${t.table}` : `public.${t.table} (${t.columns.join(', ')})`,
  );
  return [
    `ALTER PUBLICATION ${RULES_PUBLICATION} SET TABLE ${[...entries, 'public.debezium_heartbeat'].join(', ')}`,
    // Only ever raised to FULL, never lowered: a migration may have set FULL for another reader (the order view).
    ...plan
      .filter((t) => t.replicaIdentity === 'full')
      .map((t) => `ALTER TABLE public.${t.table} REPLICA IDENTITY FULL`),
  ];
}
