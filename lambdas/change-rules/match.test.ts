import { describe, expect, it } from 'vitest';
import type { TableChange } from './change.ts';
import { MissingBeforeImageError } from './errors.ts';
import { changedColumns, matchRule } from './match.ts';
import { type ChangeRule, type ChangeRuleInput, changeRuleSchema } from './rule.ts';

const rule = (input: Omit<ChangeRuleInput, 'name' | 'target'>): ChangeRule =>
  changeRuleSchema.parse({ name: 'r', target: { consumer: 'audit-log' }, ...input });

const customer = { id: 'c1', email: 'a@b.c', name: 'Ada', updated_at: '2026-01-01T00:00:00Z' };
const change = (over: Partial<TableChange>): TableChange => ({
  kind: 'change',
  table: 'customers',
  op: 'insert',
  before: null,
  after: customer,
  lsn: 100,
  txId: 7,
  committedAtMs: 0,
  ...over,
});
const update = (after: Record<string, unknown>) =>
  change({ op: 'update', before: customer, after: { ...customer, ...after } });

describe('matchRule', () => {
  it('matches its table and operations only', () => {
    const inserts = rule({ table: 'customers', operations: ['insert'] });
    expect(matchRule(change({}), inserts)).toBe(true);
    expect(matchRule(change({ table: 'orders' }), inserts)).toBe(false);
    expect(matchRule(update({ name: 'Bea' }), inserts)).toBe(false);
  });

  it('never matches a snapshot read', () => {
    expect(matchRule(change({ op: 'read' }), rule({ table: 'customers', operations: ['insert'] }))).toBe(
      false,
    );
  });

  it('ignores an update that touches only updated_at', () => {
    const audit = rule({
      table: 'customers',
      operations: ['update'],
      when: { changed: { ignore: ['updated_at'] } },
    });
    expect(matchRule(update({ updated_at: '2026-02-02T00:00:00Z' }), audit)).toBe(false);
    expect(matchRule(update({ updated_at: '2026-02-02T00:00:00Z', email: 'x@y.z' }), audit)).toBe(true);
  });

  it('with anyOf, matches only when one of those columns changed', () => {
    const emailChanged = rule({
      table: 'customers',
      operations: ['update'],
      when: { changed: { anyOf: ['email'] } },
    });
    expect(matchRule(update({ name: 'Bea' }), emailChanged)).toBe(false);
    expect(matchRule(update({ email: 'x@y.z' }), emailChanged)).toBe(true);
  });

  it('an update that changed nothing triggers no changed-filter rule', () => {
    const any = rule({
      table: 'customers',
      operations: ['update'],
      when: { changed: { ignore: ['updated_at'] } },
    });
    expect(matchRule(update({}), any)).toBe(false);
  });

  it('filters on new and old values', () => {
    const toConfirmed = rule({
      table: 'customers',
      operations: ['update'],
      when: { old: { name: 'Ada' }, new: { name: 'Bea' } },
    });
    expect(matchRule(update({ name: 'Bea' }), toConfirmed)).toBe(true);
    expect(matchRule(update({ name: 'Cy' }), toConfirmed)).toBe(false);
    expect(
      matchRule(
        change({ op: 'insert', after: { ...customer, name: 'Bea' } }),
        rule({
          table: 'customers',
          operations: ['insert'],
          when: { old: { name: 'Ada' } },
        }),
      ),
    ).toBe(false);
  });

  it('refuses to guess which columns changed without a before image', () => {
    const audit = rule({
      table: 'customers',
      operations: ['update'],
      when: { changed: { ignore: ['updated_at'] } },
    });
    expect(() => matchRule(change({ op: 'update', before: null }), audit)).toThrow(MissingBeforeImageError);
  });
});

describe('changedColumns', () => {
  it('compares values, including JSON ones', () => {
    expect(changedColumns({ a: 1, b: [1], c: 'x' }, { a: 1, b: [2], c: 'y' })).toEqual(['b', 'c']);
  });
});
