import { baselineProblems, compareWithBaseline, describeComparison, readBaseline } from './baseline.ts';
import { scanVariants, summaryLine } from './scan.ts';
import { cfnLintErrors } from './scanners.ts';
import { VARIANT_NAMES } from './variants.ts';

// `npm run scan`: cfn-lint and checkov on every variant's synthesized template, against cdk/scan-baseline.json.
// Exits 1 on a cfn-lint error, a checkov failure the baseline does not accept, or a stale baseline entry.
const baseline = readBaseline();
const run = await scanVariants();
for (const v of run.variants) console.log(summaryLine(v, compareWithBaseline([v], baseline).accepted));
const t = run.timings;
console.log(
  `synth ${t.synth.toFixed(1)} s; scanners ${t.scanners.toFixed(1)} s (cfn-lint ${t.cfnLint.toFixed(1)} s, ` +
    `checkov ${t.checkov.toFixed(1)} s, side by side)`,
);
const problems = [
  ...run.variants.flatMap((v) => cfnLintErrors(v.variant, v.cfnLint)),
  ...baselineProblems(baseline, VARIANT_NAMES),
  ...describeComparison(compareWithBaseline(run.variants, baseline)),
];
const open = baseline.filter((e) => e.reason.startsWith('open:')).length;
console.log(
  `baseline: ${baseline.length} accepted failures, ${open} of them "open:" (matter, not fixed yet)`,
);
for (const p of problems) console.error(`✗ ${p}`);
if (problems.length > 0) process.exit(1);
console.log(
  'no cfn-lint errors; every checkov failure is in the baseline, and every baseline entry still fails',
);
