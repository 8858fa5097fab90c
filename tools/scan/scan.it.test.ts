import { beforeAll, describe, expect, it } from 'vitest';
import { baselineProblems, compareWithBaseline, describeComparison, readBaseline } from './baseline.ts';
import { type ScanRun, scanVariants, summaryLine } from './scan.ts';
import { cfnLintErrors } from './scanners.ts';
import { VARIANT_NAMES } from './variants.ts';

// Two scanners nobody here wrote, on every variant's synthesized template: cfn-lint must find no error, and every
// checkov failure must be fixed or accepted, with its reason, in cdk/scan-baseline.json. They start Python, so this
// lives in the integration project. Each variant is synthesized once; each scanner runs once over all four.
describe('independent template scanners (cfn-lint, checkov)', () => {
  let run: ScanRun;
  const baseline = readBaseline();
  beforeAll(async () => {
    run = await scanVariants();
    for (const v of run.variants) console.log(summaryLine(v, compareWithBaseline([v], baseline).accepted));
    const t = run.timings;
    console.log(
      `scan: synth ${t.synth.toFixed(1)} s, then cfn-lint ${t.cfnLint.toFixed(1)} s and checkov ` +
        `${t.checkov.toFixed(1)} s side by side (${t.scanners.toFixed(1)} s)`,
    );
  }, 180_000);

  const scanOf = (name: string) => {
    const v = run.variants.find((x) => x.variant === name);
    if (v === undefined) throw new Error(`no scan of ${name}`);
    return v;
  };

  it.each(VARIANT_NAMES)('cfn-lint finds no error in %s', (name) => {
    expect(cfnLintErrors(name, scanOf(name).cfnLint)).toEqual([]);
  });

  it.each(VARIANT_NAMES)('checkov runs its checks on %s', (name) => {
    // A scan that checked almost nothing would pass the baseline trivially.
    expect(scanOf(name).checkovPassed).toBeGreaterThan(100);
  });

  it('every checkov failure is in the baseline, and every baseline entry still fails', () => {
    expect(baselineProblems(baseline, VARIANT_NAMES)).toEqual([]);
    expect(describeComparison(compareWithBaseline(run.variants, baseline))).toEqual([]);
  });
});
