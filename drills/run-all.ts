import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../localstack/lib/paths.ts';
import { describeComparison, unacknowledged } from './kit/compare.ts';
import { benches, drills } from './registry.ts';
import { compareWithCommitted, refreshResultFiles } from './results-files.ts';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Every bench then every drill, in registry order; `only` picks some (unknown names are an error). */
export function plan(only?: readonly string[]): Array<{ kind: 'drill' | 'bench'; name: string }> {
  const all = [
    ...Object.keys(benches).map((name) => ({ kind: 'bench' as const, name })),
    ...Object.keys(drills).map((name) => ({ kind: 'drill' as const, name })),
  ];
  if (!only) return all;
  const unknown = only.filter((n) => !all.some((r) => r.name === n));
  if (unknown.length > 0) throw new Error(`unknown drill or bench: ${unknown.join(', ')}`);
  return all.filter((r) => only.includes(r.name));
}

/** One drill in a process of its own (as `drill <name> --record`), so a crash or a leaked handle stops only it. */
function runRecorded(kind: string, name: string, quick: boolean): Promise<number> {
  const args = [...process.execArgv, cli, kind, name, '--record', ...(quick ? ['--quick'] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/**
 * `drill all`: runs each one after another, records its result, regenerates the page and the README's table, then
 * compares the new figures with the committed ones. Returns the exit code: 1 when any failed or regressed unacknowledged.
 */
export async function runAll(opts: { quick: boolean; only?: string[] }): Promise<number> {
  const runs = plan(opts.only);
  const outcomes: Array<{ name: string; code: number; seconds: number }> = [];
  const started = Date.now();
  for (const [i, { kind, name }] of runs.entries()) {
    const elapsed = ((Date.now() - started) / 60_000).toFixed(1);
    console.log(
      `\n=== [${i + 1}/${runs.length}] ${kind} ${name} (${opts.quick ? 'quick' : 'full'}; ${elapsed} min so far)`,
    );
    const t0 = Date.now();
    const code = await runRecorded(kind, name, opts.quick);
    outcomes.push({ name, code, seconds: (Date.now() - t0) / 1000 });
  }
  refreshResultFiles();
  console.log('\n=== results');
  for (const o of outcomes) {
    const what =
      o.code === 0
        ? 'passed'
        : o.code === 1
          ? 'FAILED'
          : `CRASHED (exit ${o.code}; its previous result is kept)`;
    console.log(`${o.name.padEnd(20)} ${what.padEnd(10)} ${o.seconds.toFixed(0)} s`);
  }
  console.log('\n=== against the committed results (HEAD)');
  const comparisons = compareWithCommitted(outcomes.map((o) => o.name));
  for (const line of comparisons.flatMap(describeComparison)) console.log(line);
  const regressions = unacknowledged(comparisons);
  const failed = outcomes.filter((o) => o.code !== 0).length;
  console.log(
    `\n${outcomes.length - failed}/${outcomes.length} passed, ${regressions.length} unacknowledged regression(s); wrote drills/results/ and README.md's results table`,
  );
  return failed > 0 || regressions.length > 0 ? 1 : 0;
}
