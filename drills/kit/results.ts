import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, homedir, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../localstack/lib/paths.ts';
import { renderChart } from './chart.ts';
import { type ReadableReport, type Report, reportsDir } from './report.ts';

/** Committed evidence: the latest recorded run of each drill and bench (`drills/reports/` is not kept). */
export const resultsDir = join(repoRoot, 'drills', 'results');
const resultsPath = 'drills/results';

export type Mode = 'full' | 'quick';

/** Where and when a result was measured. */
export interface RunMeta {
  mode: Mode;
  /** ISO 8601, when the run ended. */
  date: string;
  durationSeconds: number;
  /** git HEAD; `dirty` when the work tree (outside `drills/results/`) had changes. */
  commit: { sha: string; dirty: boolean };
  machine: { cores: number; memoryGiB: number; cpu: string; os: string; loadAverage: number[] };
}

/** `drills/results/<drill>.json`: the report, its run, and what the page shows of its readable form. */
export interface RecordedResult extends Report, RunMeta {
  title: string;
  summary: string;
  sections: Array<{ heading: string; body: string }>;
  charts: Array<{ name: string; caption: string; file: string }>;
  /** Every file beside it that belongs to this result (charts, screenshots the text links to). */
  files: string[];
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();

/** The commit and machine now; what a recording rewrites (`drills/results/`, README.md) does not make the tree dirty. */
export function runMeta(mode: Mode, durationSeconds: number): RunMeta {
  const status = git('status', '--porcelain', '--', '.', `:(exclude)${resultsPath}`, ':(exclude)README.md');
  return {
    mode,
    date: new Date().toISOString(),
    durationSeconds: Math.round(durationSeconds * 10) / 10,
    commit: { sha: git('rev-parse', 'HEAD'), dirty: status !== '' },
    machine: {
      cores: cpus().length,
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      os: `${type()} ${release()}`,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    },
  };
}

/** The folder is committed: paths of this clone and home (a report's log directory) become relative ones. */
export const withoutLocalPaths = (text: string) => text.replaceAll(repoRoot, '.').replaceAll(homedir(), '~');

/** Local files a Markdown text links to (`![…](ui-honesty-orders.png)`), as written to `drills/reports/`. */
function linkedFiles(markdown: string): string[] {
  return [...markdown.matchAll(/!\[[^\]]*\]\(([^)\s/]+\.(?:png|svg|jpe?g))\)/g)].map((m) => m[1] as string);
}

/**
 * Writes `drills/results/<drill>.json` and the charts as SVG beside it, copies the screenshots its text links to
 * from `drills/reports/`, and removes the files its previous result listed that this one does not.
 */
export async function recordResult(
  report: Report,
  readable: ReadableReport,
  meta: RunMeta,
): Promise<RecordedResult> {
  mkdirSync(resultsDir, { recursive: true });
  const previous = readResult(report.drill);
  const charts: RecordedResult['charts'] = [];
  for (const chart of readable.charts ?? []) {
    const file = `${report.drill}-${chart.name}.svg`;
    writeFileSync(join(resultsDir, file), await renderChart(chart.spec));
    charts.push({ name: chart.name, caption: chart.caption, file });
  }
  const sections = readable.sections ?? [];
  const linked = linkedFiles([readable.summary, ...sections.map((s) => s.body)].join('\n'));
  for (const file of linked) {
    if (existsSync(join(reportsDir, file))) copyFileSync(join(reportsDir, file), join(resultsDir, file));
  }
  const files = [...charts.map((c) => c.file), ...linked.filter((f) => existsSync(join(resultsDir, f)))];
  for (const stale of previous?.files ?? [])
    if (!files.includes(stale)) rmSync(join(resultsDir, stale), { force: true });
  const result: RecordedResult = {
    ...report,
    ...meta,
    title: readable.title,
    summary: readable.summary,
    sections,
    charts,
    files,
  };
  writeFileSync(
    join(resultsDir, `${report.drill}.json`),
    `${withoutLocalPaths(JSON.stringify(result, null, 2))}\n`,
  );
  return result;
}

export function readResult(name: string, dir = resultsDir): RecordedResult | undefined {
  const file = join(dir, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RecordedResult) : undefined;
}

/** Every recorded result in the folder, by name. */
export function readResults(dir = resultsDir): Map<string, RecordedResult> {
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json') && f !== 'acknowledged.json')
        .map((f) => f.slice(0, -'.json'.length))
        .sort()
    : [];
  return new Map(names.map((n) => [n, readResult(n, dir) as RecordedResult]));
}

/** The result as committed at `rev` (default HEAD), the baseline a new run is compared with. */
export function committedResult(name: string, rev = 'HEAD'): RecordedResult | undefined {
  try {
    return JSON.parse(
      execFileSync('git', ['show', `${rev}:${resultsPath}/${name}.json`], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as RecordedResult;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    if (/does not exist|exists on disk, but not in/.test(stderr)) return undefined; // not committed at that revision
    throw new Error(`git show ${rev}:${resultsPath}/${name}.json failed`, { cause: error });
  }
}
