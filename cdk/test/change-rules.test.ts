import { describe, expect, it } from 'vitest';
import type { ChangeRuleInput } from '../../lambdas/change-rules/rule.ts';
import { capturePlan, captureSql } from '../lib/change-rules/capture-plan.ts';
import {
  applyMigration,
  type DatabaseSchema,
  schemaFromMigrations,
  type TableSchema,
} from '../lib/change-rules/migration-schema.ts';
import { changeRules } from '../lib/change-rules/rules.ts';
import { InvalidChangeRuleError, validateRules } from '../lib/change-rules/validate-rules.ts';

const schema = schemaFromMigrations();
const welcome: ChangeRuleInput = {
  name: 'welcome-mail',
  table: 'customers',
  operations: ['insert'],
  target: { consumer: 'welcome-mail' },
};

describe('schemaFromMigrations', () => {
  it('reads the tables, columns and primary keys the migrations leave', () => {
    expect(schema.get('customers')).toEqual({
      columns: ['id', 'email', 'name', 'created_at', 'updated_at'],
      primaryKey: ['id'],
    });
    // Added by a later migration (0030): the file order is applied.
    expect(schema.get('orders')?.columns).toContain('payment_requested_at');
    // Dropped again by its own down section only: down sections are not applied.
    expect(schema.get('outbox')?.columns).toContain('published_at');
  });

  it('follows ALTER TABLE and DROP TABLE, and skips function bodies', () => {
    const tables = new Map<string, TableSchema>();
    applyMigration(
      tables,
      `CREATE TABLE a (x int, y text, CONSTRAINT a_pk PRIMARY KEY (x));
       CREATE TABLE b (id int PRIMARY KEY);
       CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ CREATE TABLE hidden (z int) $$;
       ALTER TABLE a ADD COLUMN z int, DROP COLUMN y;
       ALTER TABLE a RENAME COLUMN x TO w;
       DROP TABLE b;
       -- Down Migration
       DROP TABLE a;`,
    );
    expect(Object.fromEntries(tables)).toEqual({ a: { columns: ['w', 'z'], primaryKey: ['w'] } });
  });
});

describe('validateRules', () => {
  it('accepts the shipped rules', () => {
    expect(validateRules(changeRules, schema).map((r) => r.name)).toEqual([
      'welcome-mail',
      'audit-customers',
      'audit-orders',
      'report-export',
    ]);
  });

  it('fails a rule naming a missing table, with the rule name', () => {
    expect(() => validateRules([{ ...welcome, name: 'greet', table: 'clients' }], schema)).toThrow(
      'change rule "greet": table "clients" is not created by the migrations',
    );
  });

  it('fails a rule naming a missing column, with the rule name', () => {
    const bad = { ...welcome, name: 'vip', when: { new: { tier: 'gold' } } };
    expect(() => validateRules([bad], schema)).toThrow(InvalidChangeRuleError);
    expect(() => validateRules([bad], schema)).toThrow(
      'change rule "vip": table "customers" has no column "tier"',
    );
  });

  it('fails a malformed rule with its name and the field', () => {
    const bad = { ...welcome, name: 'typo', operations: ['upsert'] } as unknown as ChangeRuleInput;
    expect(() => validateRules([bad], schema)).toThrow(/change rule "typo": operations\.0/);
  });

  it('fails two rules with one name', () => {
    expect(() => validateRules([welcome, welcome], schema)).toThrow(/used twice/);
  });
});

describe('capturePlan', () => {
  const plan = capturePlan(validateRules(changeRules, schema), schema);

  it('captures full rows with REPLICA IDENTITY FULL where a rule reads old values', () => {
    expect(plan.find((t) => t.table === 'customers')).toEqual({
      table: 'customers',
      columns: 'all',
      replicaIdentity: 'full',
      keyColumn: 'id',
    });
  });

  it('publishes only the columns insert-only rules read, with the key', () => {
    expect(plan.find((t) => t.table === 'report_requests')).toEqual({
      table: 'report_requests',
      columns: ['id', 'customer_id', 'requested_by'],
      replicaIdentity: 'default',
      keyColumn: 'id',
    });
  });

  it('becomes SQL that sets the publication and raises replica identity, never lowers it', () => {
    const sql = captureSql(plan);
    expect(sql[0]).toBe(
      'ALTER PUBLICATION holdline_rules SET TABLE public.customers, public.orders, ' +
        'public.report_requests (id, customer_id, requested_by), public.debezium_heartbeat',
    );
    expect(sql.slice(1)).toEqual([
      'ALTER TABLE public.customers REPLICA IDENTITY FULL',
      'ALTER TABLE public.orders REPLICA IDENTITY FULL',
    ]);
  });

  it('a table only insert rules read keeps its default identity', () => {
    const only: DatabaseSchema = schema;
    const insertOnly = capturePlan(validateRules([welcome], only), only);
    expect(insertOnly[0]?.replicaIdentity).toBe('default');
    expect(insertOnly[0]?.columns).toBe('all');
  });
});
