import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthTemplate } from '../../cdk/lib/synth.ts';
import type { VariantFailures } from './baseline.ts';
import { checkovInput } from './checkov-input.ts';
import { type CfnLintFinding, runCfnLint, runCheckov } from './scanners.ts';
import { SCAN_VARIANTS } from './variants.ts';

export interface VariantScan extends VariantFailures {
  cfnLint: CfnLintFinding[];
  checkovPassed: number;
}

export interface ScanRun {
  variants: VariantScan[];
  /** Seconds: synthesizing every variant, then both scanners side by side. */
  timings: { synth: number; scanners: number; cfnLint: number; checkov: number };
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * Synthesizes each variant once (bundling skipped, as the tests do), then runs cfn-lint and checkov over all the
 * templates at once, the two scanners in parallel.
 */
export async function scanVariants(variants = SCAN_VARIANTS): Promise<ScanRun> {
  const dir = mkdtempSync(join(tmpdir(), 'holdline-scan-'));
  // checkov gets its own copies, under the same file names (checkov-input.ts says why).
  const checkovDir = join(dir, 'checkov');
  mkdirSync(checkovDir);
  try {
    let started = performance.now();
    const templates = variants.map((v) => {
      // biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template is untyped JSON.
      const template: Record<string, any> = synthTemplate({ context: v.context });
      const file = `${v.name}.json`;
      writeFileSync(join(dir, file), JSON.stringify(template, null, 1));
      writeFileSync(join(checkovDir, file), JSON.stringify(checkovInput(template), null, 1));
      return { variant: v.name, file, resources: new Set(Object.keys(template.Resources)) };
    });
    const synth = seconds(started);
    started = performance.now();
    const files = templates.map((t) => t.file);
    const timed = async <T>(work: Promise<T>) => {
      const value = await work;
      return { value, seconds: seconds(started) };
    };
    const [lint, checkov] = await Promise.all([
      timed(runCfnLint(dir, files)),
      timed(runCheckov(checkovDir, files)),
    ]);
    const scanners = seconds(started);
    return {
      variants: templates.map((t) => {
        const ck = checkov.value.find((c) => c.file === t.file);
        if (ck === undefined) throw new Error(`no checkov result for ${t.file}`);
        return {
          variant: t.variant,
          resources: t.resources,
          failures: ck.failures,
          checkovPassed: ck.passed,
          cfnLint: lint.value.filter((f) => f.file === t.file),
        };
      }),
      timings: { synth, scanners, cfnLint: lint.seconds, checkov: checkov.seconds },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per variant: what each scanner found. */
export function summaryLine(v: VariantScan, accepted: number): string {
  const count = (level: CfnLintFinding['level']) => v.cfnLint.filter((f) => f.level === level).length;
  const rules = [...new Set(v.cfnLint.map((f) => f.rule))].join(', ');
  return (
    `${v.variant}: cfn-lint ${count('Error')} errors, ${count('Warning')} warnings${rules ? ` (${rules})` : ''}; ` +
    `checkov ${v.checkovPassed} passed, ${v.failures.length} failed (${accepted} in the baseline)`
  );
}
