import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRepoRoot } from '../paths.ts';

/** A table as the migrations leave it: its columns in order and its primary key. */
export interface TableSchema {
  columns: string[];
  primaryKey: string[];
}

/** Tables of schema `public` by name. */
export type DatabaseSchema = ReadonlyMap<string, TableSchema>;

/** The migrations folder (node-pg-migrate SQL files). */
export const migrationsDir = fromRepoRoot('sql/migrations');

/**
 * The schema the migrations create, read from their SQL at synth (no database needed): CREATE TABLE with its
 * column list, ALTER TABLE ADD/DROP/RENAME COLUMN, RENAME TO, DROP TABLE, in file order, up sections only.
 * Function bodies (`$$ … $$`) are skipped: the tables they make at run time (outbox partitions) are not rule
 * targets. Enough for the statements this repository writes; anything else is ignored, so a rule on a table
 * this cannot see fails at synth (loudly) rather than passing silently.
 */
export function schemaFromMigrations(dir: string = migrationsDir): DatabaseSchema {
  const tables = new Map<string, TableSchema>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const file of files) applyMigration(tables, readFileSync(join(dir, file), 'utf8'));
  return tables;
}

/** Applies one migration file's up section to `tables`. Exported for tests. */
export function applyMigration(tables: Map<string, TableSchema>, sql: string): void {
  const up = sql.split(/^\s*--\s*Down Migration/im)[0] ?? '';
  const text = up
    .replace(/\$\$[\s\S]*?\$\$/g, "''")
    .replace(/--[^\n]*/g, '')
    .replace(/\s+/g, ' ');
  for (const statement of splitTopLevel(text, ';')) applyStatement(tables, statement.trim());
}

const name = '(?:public\\.)?"?([a-z_][a-z0-9_]*)"?';
const createTable = new RegExp(`^CREATE TABLE (?:IF NOT EXISTS )?${name} \\((.*)\\)`, 'i');
const alterTable = new RegExp(`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?${name} (.*)$`, 'i');
const dropTable = /^DROP TABLE (?:IF EXISTS )?(.*)$/i;
const tableConstraint = /^(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|EXCLUDE)\b/i;

function applyStatement(tables: Map<string, TableSchema>, statement: string): void {
  const created = createTable.exec(statement);
  if (created) {
    const [, table, body] = created as unknown as [string, string, string];
    const columns: string[] = [];
    let primaryKey: string[] = [];
    for (const item of splitTopLevel(body, ',').map((s) => s.trim())) {
      const pk = /PRIMARY KEY \(([^)]*)\)/i.exec(item);
      if (tableConstraint.test(item)) {
        if (pk) primaryKey = pk[1]!.split(',').map((c) => c.trim().replace(/"/g, ''));
        continue;
      }
      const column = /^"?([a-z_][a-z0-9_]*)"?/i.exec(item)?.[1];
      if (!column) continue;
      columns.push(column.toLowerCase());
      if (/\bPRIMARY KEY\b/i.test(item)) primaryKey = [column.toLowerCase()];
    }
    tables.set(table.toLowerCase(), { columns, primaryKey });
    return;
  }
  const altered = alterTable.exec(statement);
  if (altered) {
    const [, table, actions] = altered as unknown as [string, string, string];
    const schema = tables.get(table.toLowerCase());
    if (!schema) return;
    for (const action of splitTopLevel(actions, ',').map((s) => s.trim())) {
      const add = /^ADD (?:COLUMN )?(?:IF NOT EXISTS )?"?([a-z_][a-z0-9_]*)"?/i.exec(action);
      const drop = /^DROP (?:COLUMN )?(?:IF EXISTS )?"?([a-z_][a-z0-9_]*)"?/i.exec(action);
      const renameColumn = /^RENAME (?:COLUMN )?"?([a-z_][a-z0-9_]*)"? TO "?([a-z_][a-z0-9_]*)"?/i.exec(
        action,
      );
      const renameTable = /^RENAME TO "?([a-z_][a-z0-9_]*)"?/i.exec(action);
      if (renameTable) {
        tables.delete(table.toLowerCase());
        tables.set(renameTable[1]!.toLowerCase(), schema);
      } else if (add && !/^ADD (CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)/i.test(action))
        schema.columns.push(add[1]!.toLowerCase());
      else if (drop && !/^DROP (CONSTRAINT|DEFAULT|NOT NULL)/i.test(action))
        schema.columns = schema.columns.filter((c) => c !== drop[1]!.toLowerCase());
      else if (renameColumn) {
        const [from, to] = [renameColumn[1]!.toLowerCase(), renameColumn[2]!.toLowerCase()];
        schema.columns = schema.columns.map((c) => (c === from ? to : c));
        schema.primaryKey = schema.primaryKey.map((c) => (c === from ? to : c));
      }
    }
    return;
  }
  const dropped = dropTable.exec(statement);
  if (dropped)
    for (const t of dropped[1]!.replace(/\b(CASCADE|RESTRICT)\b/gi, '').split(','))
      tables.delete(
        t
          .trim()
          .replace(/^public\./, '')
          .replace(/"/g, '')
          .toLowerCase(),
      );
}

/** Splits on `separator` outside parentheses and quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim() !== '');
}
