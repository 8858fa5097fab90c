import type { SqlParams } from './sql-client.ts';

export class MissingParameterError extends Error {
  override name = 'MissingParameterError';
  constructor(readonly parameter: string) {
    super(`SQL parameter :${parameter} has no value`);
  }
}

// `:name` but not `::type` casts, and not inside single-quoted literals.
const token = /'(?:[^']|'')*'|::|:([a-zA-Z_][a-zA-Z0-9_]*)/g;

/** Rewrites `:name` parameters to pg's positional `$n`, reusing a number when a name repeats. */
export function toPositional(sql: string, params: SqlParams = {}): { text: string; values: unknown[] } {
  const positions = new Map<string, number>();
  const values: unknown[] = [];
  const text = sql.replace(token, (match, name: string | undefined) => {
    if (!name) return match;
    let position = positions.get(name);
    if (position === undefined) {
      if (!(name in params)) throw new MissingParameterError(name);
      values.push(params[name]);
      position = values.length;
      positions.set(name, position);
    }
    return `$${position}`;
  });
  return { text, values };
}
