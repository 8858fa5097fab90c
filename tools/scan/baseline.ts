import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromRepoRoot } from '../../cdk/lib/paths.ts';

/** The checked-in list of accepted checkov failures, repo-relative. */
export const BASELINE_FILE = 'cdk/scan-baseline.json';

/** A reason shorter than this says what, not why (the cdk-nag acknowledgments are held to more). */
export const MIN_REASON_LENGTH = 40;

/** One failed checkov check on one resource of one template. */
export interface CheckovFailure {
  /** e.g. `CKV_AWS_115`. */
  check: string;
  /** checkov's title for the check. */
  name: string;
  /** e.g. `AWS::Lambda::Function`. */
  resourceType: string;
  /** The template's logical id. */
  resource: string;
}

/** What one variant's template held and which checks failed on it. */
export interface VariantFailures {
  variant: string;
  /** Every logical id in the template: a baseline entry whose resource is present but passes is stale. */
  resources: ReadonlySet<string>;
  failures: readonly CheckovFailure[];
}

const entrySchema = z
  .object({
    check: z.string().regex(/^CKV2?_AWS_\d+$/, 'a checkov AWS check id such as CKV_AWS_115'),
    resource: z.string().regex(/^[A-Za-z0-9]+$/, 'a logical id'),
    /** Only these variants; absent = every variant whose template has the resource. */
    variants: z.array(z.string()).min(1).optional(),
    reason: z.string(),
  })
  .strict();

const baselineSchema = z.object({ about: z.string(), checkov: z.array(entrySchema) }).strict();

export type BaselineEntry = z.infer<typeof entrySchema>;

/** Reads and shape-checks the baseline file. */
export function readBaseline(file = fromRepoRoot(BASELINE_FILE)): BaselineEntry[] {
  return baselineSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).checkov;
}

/** What the schema cannot say: duplicates, unknown variants, reasons too short to be reasons. */
export function baselineProblems(
  entries: readonly BaselineEntry[],
  variantNames: readonly string[],
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const key = `${e.check} ${e.resource}`;
    if (seen.has(key)) problems.push(`${BASELINE_FILE}: ${key} is listed twice`);
    seen.add(key);
    for (const v of e.variants ?? [])
      if (!variantNames.includes(v))
        problems.push(
          `${BASELINE_FILE}: ${key} names variant "${v}"; variants are ${variantNames.join(', ')}`,
        );
    if (e.reason.trim().length < MIN_REASON_LENGTH)
      problems.push(`${BASELINE_FILE}: ${key} needs a reason that says why it is accepted ("${e.reason}")`);
  }
  return problems;
}

export interface Unbaselined {
  check: string;
  name: string;
  resourceType: string;
  resource: string;
  /** The variants it fails in. */
  variants: string[];
  /** Variants whose template has the resource and where the check passes: a baseline entry must leave them out. */
  passesIn: string[];
}

export interface Stale {
  entry: BaselineEntry;
  /** Variants the entry covers whose template has the resource and where the check now passes. */
  passesIn: string[];
  /** No variant the entry covers has the resource at all any more. */
  resourceGone: boolean;
}

export interface Comparison {
  /** Failures no baseline entry accepts: each fails the test. */
  unbaselined: Unbaselined[];
  /** Entries that accept a failure that no longer happens: each fails the test, so the baseline stays honest. */
  stale: Stale[];
  /** Failures the baseline accepts, over all variants. */
  accepted: number;
}

/**
 * Compares each variant's checkov failures with the baseline. A failure is accepted when an entry with its check
 * and resource covers its variant. An entry is stale when, in a variant it covers, its resource exists and the check
 * passes, or when its resource exists in none of them.
 */
export function compareWithBaseline(
  results: readonly VariantFailures[],
  baseline: readonly BaselineEntry[],
): Comparison {
  const covers = (e: BaselineEntry, variant: string) =>
    e.variants === undefined || e.variants.includes(variant);
  const unbaselined = new Map<string, Unbaselined>();
  let accepted = 0;
  for (const r of results)
    for (const f of r.failures) {
      if (baseline.some((e) => e.check === f.check && e.resource === f.resource && covers(e, r.variant))) {
        accepted++;
        continue;
      }
      const key = `${f.check} ${f.resource}`;
      const seen = unbaselined.get(key);
      if (seen) seen.variants.push(r.variant);
      else unbaselined.set(key, { ...f, variants: [r.variant], passesIn: [] });
    }
  for (const u of unbaselined.values())
    u.passesIn = results
      .filter((r) => r.resources.has(u.resource) && !u.variants.includes(r.variant))
      .map((r) => r.variant);

  const stale: Stale[] = [];
  for (const entry of baseline) {
    const covered = results.filter((r) => covers(entry, r.variant) && r.resources.has(entry.resource));
    const passesIn = covered
      .filter((r) => !r.failures.some((f) => f.check === entry.check && f.resource === entry.resource))
      .map((r) => r.variant);
    if (covered.length === 0 || passesIn.length > 0)
      stale.push({ entry, passesIn, resourceGone: covered.length === 0 });
  }
  return { unbaselined: [...unbaselined.values()], stale, accepted };
}

/** One line per problem, each saying what to do about it. */
export function describeComparison(c: Comparison): string[] {
  const lines = c.unbaselined.map((u) => {
    const entry = JSON.stringify({
      check: u.check,
      resource: u.resource,
      ...(u.passesIn.length > 0 ? { variants: u.variants } : {}),
      reason: '<why this is accepted, or "open: …">',
    });
    return (
      `checkov ${u.check} fails on ${u.resource} (${u.resourceType}) in ${u.variants.join(', ')}: ${u.name}. ` +
      `Fix it in cdk/, or accept it in ${BASELINE_FILE} with ${entry}`
    );
  });
  for (const s of c.stale) {
    const { check, resource } = s.entry;
    lines.push(
      s.resourceGone
        ? `${BASELINE_FILE}: ${check} on ${resource} is stale: no variant it covers has that resource any more; remove the entry`
        : `${BASELINE_FILE}: ${check} on ${resource} is stale: it passes in ${s.passesIn.join(', ')}; remove the entry, ` +
            'or list in its "variants" only those where it still fails',
    );
  }
  return lines;
}
