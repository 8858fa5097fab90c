export { type CapturedTable, capturePlan, captureSql, RULES_PUBLICATION } from './capture-plan.ts';
export { type DatabaseSchema, schemaFromMigrations, type TableSchema } from './migration-schema.ts';
export { ruleCapture } from './rule-capture.ts';
export { changeRules } from './rules.ts';
export { InvalidChangeRuleError, validateRules } from './validate-rules.ts';
