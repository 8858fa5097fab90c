import { z } from 'zod';
import {
  CHANGE_CONSUMERS,
  CHANGE_RULES_ENV,
  type ChangeConsumerName,
  changeQueueUrlEnv,
} from '../shared/change-consumers.ts';
import { describeIssues } from '../shared/debezium-record.ts';
import { ConfigError, requireEnv } from '../shared/env.ts';
import type { RuleSet } from './plan.ts';
import { changeRulesSchema } from './rule.ts';

const ruleSetSchema = z.strictObject({
  rules: changeRulesSchema,
  keyColumns: z.record(z.string(), z.string()),
});

/** The rule set from `CHANGE_RULES` (set by the stack from the CDK config); a bad one fails the cold start. */
export function ruleSetFromEnv(env: NodeJS.ProcessEnv = process.env): RuleSet {
  const raw = requireEnv(CHANGE_RULES_ENV, env);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(CHANGE_RULES_ENV, 'is not JSON');
  }
  const parsed = ruleSetSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(CHANGE_RULES_ENV, describeIssues(parsed.error));
  return parsed.data;
}

/** Queue URL per change consumer, from `CHANGE_QUEUE_URL_<NAME>`. */
export function changeQueueUrlsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<ChangeConsumerName, string>> {
  return Object.fromEntries(
    CHANGE_CONSUMERS.map((c) => [c, requireEnv(changeQueueUrlEnv(c), env)]),
  ) as Record<ChangeConsumerName, string>;
}
