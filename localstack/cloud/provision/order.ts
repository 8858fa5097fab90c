import type { CfnResource } from '../../../cdk/lib/template.ts';
import { InvalidTemplateError } from './errors.ts';
import { referencesIn } from './references.ts';

/**
 * Logical ids ordered so every resource comes after the resources it references or `DependsOn`s (a DLQ before
 * the queue whose redrive policy names it). Ties keep template order, so the result is deterministic.
 */
export function dependencyOrder(resources: Readonly<Record<string, CfnResource>>): string[] {
  const ids = Object.keys(resources);
  const known = new Set(ids);
  const dependsOn = new Map<string, Set<string>>();
  for (const id of ids) {
    const resource = resources[id];
    const explicit = resource?.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    const implicit = referencesIn(resource?.Properties ?? {}).map((reference) => reference.logicalId);
    dependsOn.set(id, new Set([...explicit, ...implicit].filter((dep) => known.has(dep) && dep !== id)));
  }
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < ids.length) {
    const ready = ids.find(
      (id) => !placed.has(id) && [...(dependsOn.get(id) ?? [])].every((d) => placed.has(d)),
    );
    if (ready === undefined) {
      const stuck = ids.filter((id) => !placed.has(id));
      throw new InvalidTemplateError(`circular dependency among ${stuck.join(', ')}`);
    }
    ordered.push(ready);
    placed.add(ready);
  }
  return ordered;
}
