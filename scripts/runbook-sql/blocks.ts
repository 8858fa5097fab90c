import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dbMasterUser, dbRoles } from '../../sql/roles.ts';

/**
 * The roles a runbook query may name on its first line (`-- as: <role> …`). The runbooks say who may run what;
 * the runbook SQL test connects as that role, so a query that needs more than its role has fails there.
 * - `holdline_app`: the API's role: reads of orders and the outbox.
 * - `holdline_monitor`: the slot monitor's role, member of pg_monitor (migration 0060): every session, slot and
 *   pg_wal, and no table.
 * - `holdline_cdc`: the CDC role (REPLICATION; `rds_replication` on RDS), which owns its slots and, since
 *   Debezium creates them as this role, the offset tables.
 * - `holdline_admin`: the RDS master user: no superuser, but `rds_superuser` carries pg_signal_backend.
 * - `<owner>`: whoever prepared a two-phase transaction (only it, or a superuser, may end it).
 */
export const runbookRoles = [dbRoles.app, dbRoles.monitor, dbRoles.cdc, dbMasterUser, '<owner>'] as const;
export type RunbookRole = (typeof runbookRoles)[number];

/** What on-call replaces before running a query; the test puts probes of its own there. */
export const placeholders = ['<pid>', '<slot>', '<gid>'] as const;
export type Placeholder = (typeof placeholders)[number];

export interface RunbookQuery {
  /** `docs/runbooks/<file>.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  role: RunbookRole;
  /** The block verbatim. */
  sql: string;
  /** Its statements, comments kept, placeholders not yet replaced. */
  statements: string[];
  placeholders: Placeholder[];
}

/** Every ```sql block of a Markdown text, with the role its first line names. */
export function sqlBlocks(file: string, markdown: string): RunbookQuery[] {
  const queries: RunbookQuery[] = [];
  for (const match of markdown.matchAll(/^```sql\n([\s\S]*?)\n```$/gm)) {
    const sql = match[1]!;
    const line = markdown.slice(0, match.index).split('\n').length;
    const role = /^-- as: (\S+)/.exec(sql)?.[1];
    if (!runbookRoles.includes(role as RunbookRole))
      throw new Error(
        `${file}:${line}: a runbook query starts with "-- as: <role>", one of ${runbookRoles.join(', ')} (found ${role ?? 'none'})`,
      );
    const unknown = [...sql.matchAll(/<[a-z_]+>/g)]
      .map((m) => m[0])
      .filter((p) => p !== role && !placeholders.includes(p as Placeholder));
    if (unknown.length > 0) throw new Error(`${file}:${line}: unknown placeholder ${unknown.join(', ')}`);
    queries.push({
      file,
      line,
      role: role as RunbookRole,
      sql,
      statements: splitStatements(sql),
      placeholders: placeholders.filter((p) => sql.includes(p)),
    });
  }
  return queries;
}

/** Every runbook query of `dir` (docs/runbooks), file by file in name order, each file's in its order. */
export function runbookQueries(dir: string): RunbookQuery[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .flatMap((f) => sqlBlocks(`docs/runbooks/${f}`, readFileSync(join(dir, f), 'utf8')));
}

/**
 * Splits a block at the semicolons that end statements: outside quotes, identifiers and `--` comments. A comment
 * after the semicolon on the same line stays with its statement. Dollar quoting is refused: no runbook needs it.
 */
export function splitStatements(sql: string): string[] {
  if (sql.includes('$$')) throw new Error('runbook SQL uses no dollar quoting');
  const statements: string[] = [];
  let current = '';
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      current += c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const to = end === -1 ? sql.length : end;
      current += sql.slice(i, to);
      i = to - 1;
      continue;
    }
    current += c;
    if (c === "'" || c === '"') quote = c;
    else if (c === ';') {
      // Keep a trailing comment on the same line with the statement it explains.
      const rest = sql.slice(i + 1);
      const trailing = /^[ \t]*--[^\n]*/.exec(rest)?.[0] ?? '';
      current += trailing;
      i += trailing.length;
      statements.push(current.trim());
      current = '';
    }
  }
  if (withoutComments(current).trim() !== '')
    throw new Error(`statement without a final semicolon: ${current.trim()}`);
  return statements;
}

/** The statement with its `--` comments removed (quotes are not looked into: runbook strings hold no `--`). */
export function withoutComments(statement: string): string {
  return statement.replace(/--[^\n]*/g, '').trim();
}

/** Replaces each placeholder with its value as written (`'<slot>'` stays quoted); a role's `<owner>` is left. */
export function fillPlaceholders(statement: string, values: Partial<Record<Placeholder, string>>): string {
  let filled = statement;
  for (const p of placeholders.filter((x) => statement.includes(x))) {
    const value = values[p];
    if (value === undefined) throw new Error(`no value for ${p}`);
    filled = filled.replaceAll(p, value);
  }
  return filled;
}
