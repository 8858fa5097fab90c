import { z } from 'zod';
import {
  CHANGE_CONSUMERS,
  CHANGE_RULES_ENV,
  type ChangeConsumerName,
  changeBulkQueueUrlEnv,
  changeQueueUrlEnv,
} from '../shared/change-consumers.ts';
import { describeIssues } from '../shared/debezium-record.ts';
import { ConfigError, requireEnv } from '../shared/env.ts';
import type { FlurryThresholds } from './bulk.ts';
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

/** Queue URLs per change consumer and lane, from `CHANGE_QUEUE_URL_<NAME>` and `CHANGE_BULK_QUEUE_URL_<NAME>`. */
export type LaneQueueUrls = Readonly<Record<'normal' | 'bulk', Readonly<Record<ChangeConsumerName, string>>>>;

export function changeQueueUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): LaneQueueUrls {
  const urls = (name: (c: ChangeConsumerName) => string) =>
    Object.fromEntries(CHANGE_CONSUMERS.map((c) => [c, requireEnv(name(c), env)])) as Record<
      ChangeConsumerName,
      string
    >;
  return { normal: urls(changeQueueUrlEnv), bulk: urls(changeBulkQueueUrlEnv) };
}

/** The flurry thresholds from `FLURRY_CHANGES_PER_TRANSACTION` and `FLURRY_CHANGES_PER_TABLE_SECOND`. */
export function flurryThresholdsFromEnv(env: NodeJS.ProcessEnv = process.env): FlurryThresholds {
  const positive = (name: string) => {
    const value = Number(requireEnv(name, env));
    if (!Number.isInteger(value) || value < 1) throw new ConfigError(name, 'must be a positive integer');
    return value;
  };
  return {
    perTransaction: positive('FLURRY_CHANGES_PER_TRANSACTION'),
    perTableSecond: positive('FLURRY_CHANGES_PER_TABLE_SECOND'),
  };
}
