import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '../../cdk/lib/paths.ts';
import { fillPlaceholders, runbookQueries, splitStatements, sqlBlocks, withoutComments } from './blocks.ts';

describe('runbook SQL blocks', () => {
  it('splits at the semicolons that end statements, keeping comments with their statement', () => {
    expect(
      splitStatements(`-- as: holdline_app\n-- first\nSELECT ';' AS a; -- trailing\nSELECT "x;y" FROM t;\n`),
    ).toEqual([`-- as: holdline_app\n-- first\nSELECT ';' AS a; -- trailing`, 'SELECT "x;y" FROM t;']);
    expect(() => splitStatements('SELECT 1')).toThrow(/final semicolon/);
    expect(() => splitStatements('DO $$ BEGIN END $$;')).toThrow(/dollar/);
  });

  it('wants the role on the first line and knows every placeholder', () => {
    const md = (sql: string) => `text\n\n\`\`\`sql\n${sql}\n\`\`\`\n`;
    expect(sqlBlocks('x.md', md("-- as: holdline_cdc\nSELECT pg_drop_replication_slot('<slot>');"))).toEqual([
      expect.objectContaining({ role: 'holdline_cdc', line: 3, placeholders: ['<slot>'] }),
    ]);
    expect(() => sqlBlocks('x.md', md('SELECT 1;'))).toThrow(/x.md:3: .*-- as: <role>/);
    expect(() => sqlBlocks('x.md', md('-- as: postgres\nSELECT 1;'))).toThrow(/found postgres/);
    expect(() => sqlBlocks('x.md', md('-- as: holdline_app\nSELECT <xid>;'))).toThrow(
      /unknown placeholder <xid>/,
    );
  });

  it('fills placeholders as written and leaves the role line alone', () => {
    expect(fillPlaceholders(`-- as: <owner>\nROLLBACK PREPARED '<gid>';`, { '<gid>': 'g1' })).toBe(
      `-- as: <owner>\nROLLBACK PREPARED 'g1';`,
    );
    expect(() => fillPlaceholders('SELECT pg_terminate_backend(<pid>);', {})).toThrow(/no value for <pid>/);
  });

  // The integration test (scripts/runbook-sql.it.test.ts) runs them on 15, 16 and 17; this catches the usual slip
  // early: a column PostgreSQL 17 added to pg_replication_slots, named as a column.
  it('names no PostgreSQL 17-only slot column except through to_jsonb', () => {
    const queries = runbookQueries(fromRepoRoot('docs/runbooks'));
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries)
      for (const statement of q.statements) {
        const code = withoutComments(statement).replace(
          /->> '(inactive_since|invalidation_reason)'|\bAS (inactive_since|invalidation_reason)\b/g,
          '',
        );
        expect(code, `${q.file}:${q.line}`).not.toMatch(/inactive_since|invalidation_reason/);
      }
  });
});
