import type { ChangeRuleInput } from '../../../lambdas/change-rules/rule.ts';

/**
 * The change rules: work started by a committed row change, whoever wrote the row (the API, a SQL script, a
 * backfill). Checked against the migrations at synth (validate-rules.ts); the capture is derived from them
 * (capture-plan.ts). How to add one: docs/change-rules.md.
 */
export const changeRules = [
  {
    // A new customer gets a welcome mail, once.
    name: 'welcome-mail',
    table: 'customers',
    operations: ['insert'],
    columns: ['id', 'email', 'name'],
    target: { consumer: 'welcome-mail' },
    // A bulk import of customers must not mail them all: one summary instead.
    bulk: 'skip',
  },
  {
    // Every change to customers, before and after, in an append-only audit log; a touch of updated_at alone is not one.
    name: 'audit-customers',
    table: 'customers',
    operations: ['insert', 'update', 'delete'],
    when: { changed: { ignore: ['updated_at'] } },
    images: 'both',
    target: { consumer: 'audit-log' },
  },
  {
    name: 'audit-orders',
    table: 'orders',
    operations: ['insert', 'update', 'delete'],
    when: { changed: { ignore: ['updated_at'] } },
    images: 'both',
    target: { consumer: 'audit-log' },
  },
  {
    // A requested report is exported as CSV to the reports bucket, one request at a time per customer.
    name: 'report-export',
    table: 'report_requests',
    operations: ['insert'],
    columns: ['id', 'customer_id', 'requested_by'],
    target: { consumer: 'report-export', groupBy: 'customer_id' },
  },
] as const satisfies readonly ChangeRuleInput[];
