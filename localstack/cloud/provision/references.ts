import { asRecord, type CfnTemplate } from '../../../cdk/lib/template.ts';

/** One `Ref`/`Fn::GetAtt`/`Fn::Sub` reference to a resource; `attribute` is set for attribute reads. */
export interface Reference {
  logicalId: string;
  attribute?: string;
}

/**
 * Every reference to a logical id inside `value` (pseudo parameters excluded). Parameters and unknown names are
 * reported too; callers filter by the ids they know.
 */
export function referencesIn(value: unknown): Reference[] {
  const found: Reference[] = [];
  walk(value, found);
  return found;
}

/** The attributes the whole template reads from each resource through `Fn::GetAtt` (and `${Id.Attr}` in Fn::Sub). */
export function requestedAttributes(template: CfnTemplate): Map<string, Set<string>> {
  const wanted = new Map<string, Set<string>>();
  const everything = [template.Resources ?? {}, template.Outputs ?? {}];
  for (const reference of referencesIn(everything)) {
    if (reference.attribute === undefined) continue;
    const set = wanted.get(reference.logicalId) ?? new Set<string>();
    set.add(reference.attribute);
    wanted.set(reference.logicalId, set);
  }
  return wanted;
}

function walk(value: unknown, found: Reference[]): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, found);
    return;
  }
  const record = asRecord(value);
  if (record === undefined) return;
  for (const [key, args] of Object.entries(record)) {
    if (key === 'Ref' && typeof args === 'string') {
      if (!args.startsWith('AWS::')) found.push({ logicalId: args });
    } else if (key === 'Fn::GetAtt') {
      const reference = getAttReference(args);
      if (reference) found.push(reference);
      if (Array.isArray(args)) walk(args[1], found);
    } else if (key === 'Fn::Sub') {
      const [text, vars] = typeof args === 'string' ? [args, undefined] : Array.isArray(args) ? args : [];
      if (typeof text === 'string') found.push(...subReferences(text, Object.keys(asRecord(vars) ?? {})));
      walk(vars, found);
    } else {
      walk(args, found);
    }
  }
}

function getAttReference(args: unknown): Reference | undefined {
  if (typeof args === 'string') {
    const dot = args.indexOf('.');
    return dot > 0 ? { logicalId: args.slice(0, dot), attribute: args.slice(dot + 1) } : undefined;
  }
  if (Array.isArray(args) && typeof args[0] === 'string') {
    return typeof args[1] === 'string' ? { logicalId: args[0], attribute: args[1] } : { logicalId: args[0] };
  }
  return undefined;
}

function subReferences(text: string, localNames: string[]): Reference[] {
  const references: Reference[] = [];
  for (const match of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
    const name = match[1] ?? '';
    if (localNames.includes(name) || name.startsWith('AWS::')) continue;
    const dot = name.indexOf('.');
    references.push(
      dot > 0 ? { logicalId: name.slice(0, dot), attribute: name.slice(dot + 1) } : { logicalId: name },
    );
  }
  return references;
}
