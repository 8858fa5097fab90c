import type { RunContext } from './context.ts';

/** A `--param name=value` the drill does not take, or a value it cannot use. */
export class DrillParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrillParamError';
  }
}

/** `name=value` from the command line, into a map; a repeated name keeps the last value. */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new DrillParamError(`--param takes name=value, got "${pair}"`);
    params[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return params;
}

/**
 * The drill's parameters, checked against what it declares (`name` → what it means): an unknown name fails with
 * the list of known ones. `number(name)` and `list(name)` are undefined when not given; `number` fails on anything
 * but a positive number.
 */
export function drillParams<Name extends string>(ctx: RunContext, declared: Record<Name, string>) {
  const given = ctx.params ?? {};
  const unknown = Object.keys(given).filter((n) => !(n in declared));
  if (unknown.length > 0)
    throw new DrillParamError(
      `unknown --param ${unknown.join(', ')}; this one takes: ${
        Object.entries(declared)
          .map(([n, d]) => `${n} (${d})`)
          .join('; ') || 'none'
      }`,
    );
  return {
    /** A comma-separated list, blanks dropped; undefined when not given, and a failure when it names nothing. */
    list(name: Name): string[] | undefined {
      const raw = given[name];
      if (raw === undefined) return undefined;
      const items = raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      if (items.length === 0) throw new DrillParamError(`--param ${name} must name at least one item`);
      return items;
    },
    number(name: Name): number | undefined {
      const raw = given[name];
      if (raw === undefined) return undefined;
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0)
        throw new DrillParamError(`--param ${name} must be a positive number, got "${raw}"`);
      return value;
    },
    /** A comma-separated list of positive numbers (`rates=50,200`); undefined when not given. */
    numbers(name: Name): number[] | undefined {
      const raw = given[name];
      if (raw === undefined) return undefined;
      const values = raw.split(',').map((part) => Number(part.trim()));
      if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0))
        throw new DrillParamError(
          `--param ${name} must be positive numbers separated by commas, got "${raw}"`,
        );
      return values;
    },
  };
}
