import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../localstack/lib/paths.ts';
import { acknowledgedSchema, type Comparison, compareResults } from './kit/compare.ts';
import { judgedFigures } from './kit/figures.ts';
import { committedResult, type RecordedResult, readResults, resultsDir } from './kit/results.ts';
import { resultsPage } from './kit/results-page.ts';
import { type ResultRow, resultsTable, spliceReadme } from './kit/results-readme.ts';
import { benches, drills, evidence, type RunnableName } from './registry.ts';

export const readmePath = join(repoRoot, 'README.md');
export const pagePath = join(resultsDir, 'index.html');
export const acknowledgedPath = join(resultsDir, 'acknowledged.json');

/** Every drill and bench in registry order, with what `drills/results/` (or `dir`) holds for it. */
export function resultRows(dir = resultsDir): ResultRow[] {
  const recorded = readResults(dir);
  const row = (kind: ResultRow['kind']) => (name: string) => ({
    name,
    kind,
    evidence: evidence[name as RunnableName],
    result: recorded.get(name),
  });
  return [...Object.keys(benches).map(row('bench')), ...Object.keys(drills).map(row('drill'))];
}

/** README.md as the results would make it. */
export const generatedReadme = (readme: string, rows = resultRows()) =>
  spliceReadme(readme, resultsTable(rows));

/** Rewrites `drills/results/index.html` and the README's results block from what `drills/results/` holds. */
export function refreshResultFiles(): void {
  const rows = resultRows();
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(pagePath, resultsPage(rows, resultsDir));
  writeFileSync(readmePath, generatedReadme(readFileSync(readmePath, 'utf8'), rows));
}

/** Each named result against its committed value at `rev`, with the acknowledged regressions. */
export function compareWithCommitted(names: readonly string[], rev = 'HEAD'): Comparison[] {
  const acknowledged = existsSync(acknowledgedPath)
    ? acknowledgedSchema.parse(JSON.parse(readFileSync(acknowledgedPath, 'utf8')))
    : [];
  const recorded = readResults();
  return names
    .filter((name) => recorded.has(name))
    .map((name) =>
      compareResults(
        committedResult(name, rev),
        recorded.get(name) as RecordedResult,
        judgedFigures(evidence[name as RunnableName]),
        acknowledged,
      ),
    );
}
