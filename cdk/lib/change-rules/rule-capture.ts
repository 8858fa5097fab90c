import type { ChangeRule } from '../../../lambdas/change-rules/rule.ts';
import { type CapturedTable, capturePlan } from './capture-plan.ts';
import { schemaFromMigrations } from './migration-schema.ts';
import { changeRules } from './rules.ts';
import { validateRules } from './validate-rules.ts';

/** The shipped rules, validated against the migrations, and the capture they need. Throws on a bad rule. */
export function ruleCapture(): { rules: ChangeRule[]; plan: CapturedTable[] } {
  const schema = schemaFromMigrations();
  const rules = validateRules(changeRules, schema);
  return { rules, plan: capturePlan(rules, schema) };
}
