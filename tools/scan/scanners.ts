import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fromRepoRoot } from '../../cdk/lib/paths.ts';
import type { CheckovFailure } from './baseline.ts';

/** The scanners' venv, which scripts/setup.mjs fills (pinned checkov and cfn-lint). */
export function scannerBin(tool: 'checkov' | 'cfn-lint'): string {
  const state = process.env.HOLDLINE_STATE_DIR ?? fromRepoRoot('.holdline');
  const bin = join(state, 'scan-venv', 'bin', tool);
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: run \`npm run setup\` (it installs the scanners)`);
  return bin;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

function parseJson(tool: string, r: Run): unknown {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`${tool} exited ${r.code} without JSON output:\n${r.stderr.slice(-2000)}`);
  }
}

export interface CfnLintFinding {
  /** The template file's name, e.g. `rds-debezium.json`. */
  file: string;
  level: 'Error' | 'Warning' | 'Informational';
  rule: string;
  message: string;
  /** Where in the template, e.g. `Resources/OrderApi16AEB104/DependsOn/2`. */
  path: string;
}

interface RawCfnLint {
  Filename: string;
  Level: CfnLintFinding['level'];
  Rule: { Id: string };
  Message: string;
  Location: { Path: (string | number)[] | null };
}

/** cfn-lint over template files in `dir`, one process for all of them. */
export async function runCfnLint(dir: string, files: readonly string[]): Promise<CfnLintFinding[]> {
  const r = await run(scannerBin('cfn-lint'), ['--format', 'json', '--', ...files], dir);
  // Exit status is a bit mask (2 error, 4 warning, 8 informational); anything else is cfn-lint failing.
  if (r.code === null || (r.code & ~(2 | 4 | 8)) !== 0)
    throw new Error(`cfn-lint exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  return parseCfnLint(parseJson('cfn-lint', r));
}

/** cfn-lint's `--format json` output as findings. */
export function parseCfnLint(output: unknown): CfnLintFinding[] {
  return (output as RawCfnLint[]).map((f) => ({
    file: basename(f.Filename),
    level: f.Level,
    rule: f.Rule.Id,
    message: f.Message,
    path: (f.Location.Path ?? []).join('/'),
  }));
}

/** The findings that fail a template: cfn-lint errors (warnings and informational findings are reported only). */
export function cfnLintErrors(variant: string, findings: readonly CfnLintFinding[]): string[] {
  return findings
    .filter((f) => f.level === 'Error')
    .map((f) => `${variant}: cfn-lint ${f.rule} at ${f.path || '(template)'}: ${f.message}`);
}

export interface CheckovResult {
  file: string;
  passed: number;
  failures: CheckovFailure[];
}

interface RawCheck {
  check_id: string;
  check_name: string;
  /** `AWS::Lambda::Function.OrderApi16AEB104` */
  resource: string;
  file_path: string;
}

interface RawReport {
  check_type: string;
  results?: { passed_checks: RawCheck[]; failed_checks: RawCheck[]; parsing_errors: string[] };
  summary: { parsing_errors: number };
}

/**
 * checkov over template files in `dir`, one process for all of them (it starts in ~3 s, then takes ~2 s a
 * template). `--skip-download`: no call to Prisma Cloud for guidelines, so it runs offline and the same each time.
 */
export async function runCheckov(dir: string, files: readonly string[]): Promise<CheckovResult[]> {
  const r = await run(
    scannerBin('checkov'),
    ['--framework', 'cloudformation', '--output', 'json', '--compact', '--skip-download', '--file', ...files],
    dir,
  );
  // 1 means "some check failed"; the findings say which.
  if (r.code !== 0 && r.code !== 1) throw new Error(`checkov exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  return parseCheckov(parseJson('checkov', r), files);
}

/** checkov's `--output json` for several files, split per file. */
export function parseCheckov(output: unknown, files: readonly string[]): CheckovResult[] {
  // One report per framework; a list when there is more than one.
  const reports = (Array.isArray(output) ? output : [output]) as RawReport[];
  const report = reports.find((x) => x.check_type === 'cloudformation');
  if (report?.results === undefined || report.summary.parsing_errors > 0)
    throw new Error(
      `checkov could not read the templates: ${JSON.stringify(report?.results?.parsing_errors)}`,
    );
  const { passed_checks, failed_checks } = report.results;
  return files.map((file) => {
    const mine = (checks: RawCheck[]) => checks.filter((c) => basename(c.file_path) === file);
    const passed = mine(passed_checks).length;
    const failures = mine(failed_checks).map((c) => {
      const dot = c.resource.indexOf('.');
      if (dot < 0) throw new Error(`checkov named a resource without its type: ${c.resource}`);
      return {
        check: c.check_id,
        name: c.check_name,
        resourceType: c.resource.slice(0, dot),
        resource: c.resource.slice(dot + 1),
      };
    });
    // checkov reports an unreadable file as zero checks, not as an error.
    if (passed + failures.length === 0) throw new Error(`checkov checked nothing in ${file}`);
    return { file, passed, failures };
  });
}
