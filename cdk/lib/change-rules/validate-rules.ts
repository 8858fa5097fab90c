import { z } from 'zod';
import {
  type ChangeRule,
  type ChangeRuleInput,
  changeRulesSchema,
  columnsNamed,
} from '../../../lambdas/change-rules/rule.ts';
import { describeIssues } from '../../../lambdas/shared/debezium-record.ts';
import type { DatabaseSchema } from './migration-schema.ts';

/** A rule that cannot work: names the rule and says why. Thrown at synth. */
export class InvalidChangeRuleError extends Error {
  override name = 'InvalidChangeRuleError';
  constructor(
    readonly rule: string,
    readonly reason: string,
  ) {
    super(`change rule "${rule}": ${reason}`);
  }
}

/**
 * Parses the rules (zod: shape, defaults, unique names) and checks each against the schema the migrations
 * create: its table exists and has a one-column primary key (the row's FIFO group and stream key), and every
 * column it names exists. Throws InvalidChangeRuleError for the first rule that fails.
 */
export function validateRules(input: readonly ChangeRuleInput[], schema: DatabaseSchema): ChangeRule[] {
  const parsed = changeRulesSchema.safeParse(input);
  if (!parsed.success) {
    const index = parsed.error.issues[0]?.path[0];
    const rule = typeof index === 'number' ? (input[index]?.name ?? `#${index}`) : '(rule set)';
    // The issues of that rule, with paths inside the rule (`operations.0`, not `2.operations.0`).
    const issues = parsed.error.issues
      .filter((issue) => issue.path[0] === index)
      .map((issue) => ({ ...issue, path: issue.path.slice(1) }));
    throw new InvalidChangeRuleError(rule, describeIssues(new z.ZodError(issues)));
  }
  for (const rule of parsed.data) {
    const table = schema.get(rule.table);
    if (!table)
      throw new InvalidChangeRuleError(rule.name, `table "${rule.table}" is not created by the migrations`);
    if (table.primaryKey.length !== 1)
      throw new InvalidChangeRuleError(
        rule.name,
        `table "${rule.table}" needs a one-column primary key (has ${table.primaryKey.join(', ') || 'none'})`,
      );
    const missing = columnsNamed(rule).filter((c) => !table.columns.includes(c));
    if (missing.length > 0)
      throw new InvalidChangeRuleError(
        rule.name,
        `table "${rule.table}" has no column ${missing.map((c) => `"${c}"`).join(', ')}`,
      );
  }
  return parsed.data;
}
