import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from './json-schema.ts';

/**
 * Why `candidate` cannot replace `published` within one major version, or [] when it can. Readers of the
 * published version must keep working and every published event must still be valid, so it is breaking to:
 * remove (or rename) a field, make a required field optional, change a field's type, or narrow what a field
 * accepts (fewer enum values, another const/pattern/format, tighter bounds). Adding a field is compatible.
 */
export function breakingChanges(published: JsonSchema, candidate: JsonSchema, path = ''): string[] {
  const where = path === '' ? '(message)' : path;
  const problems: string[] = [];
  const types = (s: JsonSchema) => [s.type ?? []].flat().sort().join('|');
  if (types(published) !== types(candidate))
    problems.push(`${where}: type changed from ${types(published) || 'any'} to ${types(candidate) || 'any'}`);
  if (published.enum !== undefined) {
    const lost = published.enum.filter((v) => !(candidate.enum ?? []).includes(v));
    if (candidate.enum === undefined && candidate.const !== undefined) lost.push(...published.enum);
    if (lost.length > 0) problems.push(`${where}: narrowed, no longer accepts ${JSON.stringify(lost)}`);
  }
  if (published.anyOf !== undefined && !isDeepStrictEqual(published.anyOf, candidate.anyOf))
    problems.push(`${where}: alternatives (anyOf) changed`);
  for (const keyword of ['const', 'pattern', 'format'] as const)
    if (
      published[keyword] !== undefined &&
      JSON.stringify(published[keyword]) !== JSON.stringify(candidate[keyword])
    )
      problems.push(`${where}: ${keyword} changed from ${JSON.stringify(published[keyword])}`);
  for (const [keyword, tighter] of bounds) {
    const was = published[keyword];
    const now = candidate[keyword];
    if (typeof now === 'number' && (typeof was !== 'number' || tighter(now, was)))
      problems.push(`${where}: narrowed, ${keyword} ${was ?? 'none'} → ${now}`);
  }
  const required = new Set(candidate.required ?? []);
  for (const [name, field] of Object.entries(published.properties ?? {})) {
    const fieldPath = path === '' ? name : `${path}.${name}`;
    const next = candidate.properties?.[name];
    if (next === undefined) {
      problems.push(`${fieldPath}: removed (or renamed)`);
      continue;
    }
    if ((published.required ?? []).includes(name) && !required.has(name))
      problems.push(`${fieldPath}: was required, now optional`);
    problems.push(...breakingChanges(field, next, fieldPath));
  }
  if (published.items !== undefined && candidate.items !== undefined)
    problems.push(...breakingChanges(published.items, candidate.items, `${path}[]`));
  if (published.additionalProperties !== false && candidate.additionalProperties === false)
    problems.push(`${where}: closed to fields it used to accept`);
  return problems;
}

/** Numeric keywords and when the candidate's value accepts less than the published one. */
const bounds: readonly [string, (now: number, was: number) => boolean][] = [
  ['minimum', (now, was) => now > was],
  ['exclusiveMinimum', (now, was) => now > was],
  ['minLength', (now, was) => now > was],
  ['minItems', (now, was) => now > was],
  ['maximum', (now, was) => now < was],
  ['exclusiveMaximum', (now, was) => now < was],
  ['maxLength', (now, was) => now < was],
  ['maxItems', (now, was) => now < was],
];
