import { type Evidence, headlineText } from './figures.ts';
import type { RecordedResult } from './results.ts';

export const readmeStart =
  '<!-- results:start (generated from drills/results/ by `npm run drill -- readme`) -->';
export const readmeEnd = '<!-- results:end -->';

export interface ResultRow {
  name: string;
  kind: 'drill' | 'bench';
  evidence: Evidence;
  result: RecordedResult | undefined;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function runCell(r: RecordedResult): string {
  const m = r.machine;
  return `**${r.mode}**, \`${r.commit.sha.slice(0, 7)}\`${r.commit.dirty ? ' (dirty)' : ''}, ${r.date.slice(0, 10)}, ${m.cores} cores / ${m.memoryGiB} GiB, load ${m.loadAverage[0] ?? '?'}`;
}

/** The README's results table: one row per drill and bench, from its recorded result and its declared figures. */
export function resultsTable(rows: readonly ResultRow[]): string {
  const lines = [
    '| name | kind | what it proves | headline figures | verdict | run (mode, commit, date, machine) |',
    '|---|---|---|---|---|---|',
  ];
  for (const { name, kind, evidence, result } of rows) {
    const figures = result ? headlineText(evidence.headline, result.metrics) : 'no recorded run yet';
    const verdict = result ? (result.passed ? 'pass' : '**FAIL**') : '—';
    lines.push(
      `| [\`${name}\`](drills/${name}/README.md) | ${kind} | ${cell(evidence.proves)} | ${cell(figures)} | ${verdict} | ${result ? runCell(result) : '—'} |`,
    );
  }
  return lines.join('\n');
}

/** `readme` with the text between the markers replaced by `table`; throws when the markers are missing. */
export function spliceReadme(readme: string, table: string): string {
  const start = readme.indexOf(readmeStart);
  const end = readme.indexOf(readmeEnd);
  if (start < 0 || end < start) throw new Error(`README.md has no ${readmeStart} … ${readmeEnd} block`);
  return `${readme.slice(0, start + readmeStart.length)}\n${table}\n${readme.slice(end)}`;
}
