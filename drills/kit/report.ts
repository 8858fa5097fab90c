import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../localstack/lib/paths.ts';
import { type ChartSpec, renderChart } from './chart.ts';

export const reportsDir = join(repoRoot, 'drills', 'reports');

/** What every drill and bench produces: the machine-readable verdict and the evidence behind it. */
export interface Report {
  drill: string;
  passed: boolean;
  metrics: Record<string, unknown>;
  evidence: Record<string, unknown>;
}

export interface ReadableReport {
  title: string;
  /** Markdown paragraphs: what was broken or measured, and what the numbers mean. */
  summary: string;
  charts?: Array<{ name: string; caption: string; spec: ChartSpec }>;
  /** Extra Markdown sections after the metrics table. */
  sections?: Array<{ heading: string; body: string }>;
}

function metricsTable(metrics: Record<string, unknown>): string {
  const rows = Object.entries(metrics).map(
    ([k, v]) => `| ${k} | ${typeof v === 'object' ? `\`${JSON.stringify(v)}\`` : String(v)} |`,
  );
  return ['| metric | value |', '|---|---|', ...rows].join('\n');
}

/** Writes `drills/reports/<drill>.json`, `<drill>.md` and one SVG per chart; returns the file paths. */
export async function writeReport(
  report: Report,
  readable: ReadableReport,
): Promise<{ json: string; markdown: string }> {
  mkdirSync(reportsDir, { recursive: true });
  const json = join(reportsDir, `${report.drill}.json`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  const parts = [
    `# ${readable.title}`,
    `**${report.passed ? 'PASSED' : 'FAILED'}** — ${new Date().toISOString()}`,
    readable.summary,
    '## Metrics',
    metricsTable(report.metrics),
  ];
  for (const chart of readable.charts ?? []) {
    const file = `${report.drill}-${chart.name}.svg`;
    writeFileSync(join(reportsDir, file), await renderChart(chart.spec));
    parts.push(`## ${chart.caption}`, `![${chart.caption}](${file})`);
  }
  for (const section of readable.sections ?? []) parts.push(`## ${section.heading}`, section.body);
  const markdown = join(reportsDir, `${report.drill}.md`);
  writeFileSync(markdown, `${parts.join('\n\n')}\n`);
  return { json, markdown };
}
