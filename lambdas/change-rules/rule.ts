import { z } from 'zod';
import { CHANGE_CONSUMERS } from '../shared/change-consumers.ts';

/** A plain Postgres identifier as the migrations write them: lowercase, unquoted. */
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier');
/** Values a filter compares with; a column's JSON value as Debezium writes it (text, number, boolean, null). */
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const ruleOperations = ['insert', 'update', 'delete'] as const;
export type RuleOperation = (typeof ruleOperations)[number];

/**
 * One change rule: which changes of which table start which work. Declared in the CDK app
 * (cdk/lib/change-rules.ts), checked against the migrations' schema at synth, carried to the change router in its
 * environment, and parsed again there with this schema. Unknown keys are refused: a typo must not widen a rule.
 */
export const changeRuleSchema = z.strictObject({
  /** Unique, kebab-case; names the rule in errors, logs, metrics and dedupe keys. */
  name: z.string().regex(/^[a-z][a-z0-9-]{0,47}$/, 'must be kebab-case, at most 48 characters'),
  /** A table of schema `public`. */
  table: identifier,
  operations: z.array(z.enum(ruleOperations)).min(1),
  /** Filters; every one given must hold. */
  when: z
    .strictObject({
      /** Updates only: which columns changed. An update that changed none of `anyOf`, or only `ignore`d columns,
       *  triggers nothing. Inserts and deletes pass. */
      changed: z
        .strictObject({
          anyOf: z.array(identifier).min(1).optional(),
          ignore: z.array(identifier).min(1).optional(),
        })
        .optional(),
      /** New values (insert, update) equal to these. */
      new: z.record(identifier, scalar).optional(),
      /** Old values (update, delete) equal to these. */
      old: z.record(identifier, scalar).optional(),
    })
    .optional(),
  target: z.strictObject({
    /** The consumer (and with it the FIFO queue) that does the work. */
    consumer: z.enum(CHANGE_CONSUMERS),
    /** The FIFO group key column: changes with the same value are done in order. Default the primary key. */
    groupBy: identifier.optional(),
  }),
  /** The columns the consumer reads; the publication carries only these (with the key and filter columns).
   *  Default: every column. */
  columns: z.array(identifier).min(1).optional(),
  /** `both`: the consumer gets the before image too (REPLICA IDENTITY FULL). Default `after`. */
  images: z.enum(['after', 'both']).default('after'),
  /**
   * A transaction marked bulk (docs/change-rules.md): `skip` sends one summary instead of its rows; `throttle`
   * sends its rows to the low-priority queue at a set rate. Default `throttle`: nothing is lost.
   */
  bulk: z.enum(['skip', 'throttle']).default('throttle'),
});

/** A rule as written (defaults optional). */
export type ChangeRuleInput = z.input<typeof changeRuleSchema>;
/** A rule after parsing (defaults filled in). */
export type ChangeRule = z.output<typeof changeRuleSchema>;

export const changeRulesSchema = z.array(changeRuleSchema).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    if (seen.has(rule.name))
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `rule name "${rule.name}" is used twice` });
    seen.add(rule.name);
  }
});

/** Columns whose old values the rule reads: then the table needs REPLICA IDENTITY FULL. */
export function needsOldValues(rule: ChangeRule): boolean {
  const touchesOld = rule.operations.includes('update') || rule.operations.includes('delete');
  if (!touchesOld) return false;
  const when = rule.when;
  const updateFilter = rule.operations.includes('update') && when?.changed !== undefined;
  return rule.images === 'both' || updateFilter || when?.old !== undefined;
}

/** Every column the rule names (filters and group key), for checking against the schema. */
export function columnsNamed(rule: ChangeRule): string[] {
  const when = rule.when;
  return [
    ...(when?.changed?.anyOf ?? []),
    ...(when?.changed?.ignore ?? []),
    ...Object.keys(when?.new ?? {}),
    ...Object.keys(when?.old ?? {}),
    ...(rule.target.groupBy === undefined ? [] : [rule.target.groupBy]),
    ...(rule.columns ?? []),
  ];
}
