import { describe, expect, it } from 'vitest';
import {
  BASELINE_FILE,
  type BaselineEntry,
  baselineProblems,
  type CheckovFailure,
  compareWithBaseline,
  describeComparison,
  readBaseline,
  type VariantFailures,
} from './baseline.ts';
import { VARIANT_NAMES } from './variants.ts';

const failure = (check: string, resource: string): CheckovFailure => ({
  check,
  name: `title of ${check}`,
  resourceType: 'AWS::Lambda::Function',
  resource,
});
const variant = (name: string, resources: string[], failures: CheckovFailure[]): VariantFailures => ({
  variant: name,
  resources: new Set(resources),
  failures,
});
const entry = (check: string, resource: string, variants?: string[]): BaselineEntry => ({
  check,
  resource,
  reason: 'a reason long enough to say why this is accepted here',
  ...(variants ? { variants } : {}),
});

describe('checkov findings against the baseline', () => {
  const rds = variant('rds', ['Api', 'Db'], [failure('CKV_AWS_115', 'Api'), failure('CKV_AWS_157', 'Db')]);
  const aurora = variant('aurora', ['Api'], [failure('CKV_AWS_115', 'Api'), failure('CKV_AWS_117', 'Api')]);

  it('accepts every failure the baseline lists, and nothing is stale', () => {
    const c = compareWithBaseline(
      [rds, aurora],
      [entry('CKV_AWS_115', 'Api'), entry('CKV_AWS_157', 'Db'), entry('CKV_AWS_117', 'Api', ['aurora'])],
    );
    expect(c).toEqual({ unbaselined: [], stale: [], accepted: 4 });
    expect(describeComparison(c)).toEqual([]);
  });

  it('fails on a failure the baseline does not list, naming check, resource and the entry to add', () => {
    const c = compareWithBaseline([rds, aurora], [entry('CKV_AWS_115', 'Api'), entry('CKV_AWS_157', 'Db')]);
    expect(c.unbaselined).toEqual([
      expect.objectContaining({
        check: 'CKV_AWS_117',
        resource: 'Api',
        variants: ['aurora'],
        passesIn: ['rds'],
      }),
    ]);
    const [message] = describeComparison(c);
    expect(message).toContain('checkov CKV_AWS_117 fails on Api (AWS::Lambda::Function) in aurora');
    expect(message).toContain(BASELINE_FILE);
    // It passes where the resource also exists, so the suggested entry is limited to where it fails.
    expect(message).toContain('{"check":"CKV_AWS_117","resource":"Api","variants":["aurora"],"reason":');
  });

  it('does not let an entry limited to some variants accept the same failure elsewhere', () => {
    const c = compareWithBaseline(
      [rds, aurora],
      [
        entry('CKV_AWS_115', 'Api', ['aurora']),
        entry('CKV_AWS_157', 'Db'),
        entry('CKV_AWS_117', 'Api', ['aurora']),
      ],
    );
    expect(c.unbaselined.map((u) => [u.check, u.variants])).toEqual([['CKV_AWS_115', ['rds']]]);
  });

  it('reports an entry whose check now passes as stale, where it passes', () => {
    const fixed = variant('rds', ['Api', 'Db'], [failure('CKV_AWS_115', 'Api')]);
    const c = compareWithBaseline([fixed], [entry('CKV_AWS_115', 'Api'), entry('CKV_AWS_157', 'Db')]);
    expect(c.stale).toEqual([{ entry: entry('CKV_AWS_157', 'Db'), passesIn: ['rds'], resourceGone: false }]);
    expect(describeComparison(c)).toEqual([
      `${BASELINE_FILE}: CKV_AWS_157 on Db is stale: it passes in rds; remove the entry, or list in its "variants" only those where it still fails`,
    ]);
  });

  it('reports an entry that covers a variant where its resource passes as stale (it must say "variants")', () => {
    const c = compareWithBaseline(
      [rds, aurora],
      [entry('CKV_AWS_115', 'Api'), entry('CKV_AWS_157', 'Db'), entry('CKV_AWS_117', 'Api')],
    );
    expect(c.stale.map((s) => [s.entry.check, s.passesIn])).toEqual([['CKV_AWS_117', ['rds']]]);
  });

  it('does not call an entry stale in a variant that has no such resource, but does when none has it', () => {
    const ok = compareWithBaseline([rds, aurora], [entry('CKV_AWS_157', 'Db'), entry('CKV_AWS_115', 'Api')]);
    expect(ok.stale).toEqual([]);
    const gone = compareWithBaseline([aurora], [entry('CKV_AWS_157', 'Db')]);
    expect(gone.stale).toEqual([{ entry: entry('CKV_AWS_157', 'Db'), passesIn: [], resourceGone: true }]);
    expect(describeComparison(gone).at(-1)).toMatch(/no variant it covers has that resource any more/);
  });

  it('finds duplicates, unknown variants and reasons that are not reasons', () => {
    expect(
      baselineProblems(
        [
          entry('CKV_AWS_115', 'Api'),
          entry('CKV_AWS_115', 'Api'),
          entry('CKV_AWS_117', 'Api', ['aurora-serverless']),
          { check: 'CKV_AWS_21', resource: 'Bucket', reason: 'accepted' },
        ],
        VARIANT_NAMES,
      ),
    ).toEqual([
      `${BASELINE_FILE}: CKV_AWS_115 Api is listed twice`,
      `${BASELINE_FILE}: CKV_AWS_117 Api names variant "aurora-serverless"; variants are ${VARIANT_NAMES.join(', ')}`,
      `${BASELINE_FILE}: CKV_AWS_21 Bucket needs a reason that says why it is accepted ("accepted")`,
    ]);
  });

  it('the checked-in baseline reads, and has no such problems', () => {
    const baseline = readBaseline();
    expect(baseline.length).toBeGreaterThan(0);
    expect(baselineProblems(baseline, VARIANT_NAMES)).toEqual([]);
  });
});
