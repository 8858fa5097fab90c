import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { flattenMetrics, formatValue, headlineText } from './figures.ts';
import type { RecordedResult } from './results.ts';
import type { ResultRow } from './results-readme.ts';

const html = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const mime: Record<string, string> = { '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg' };

/** A file beside the results as a data: URL, so the page needs no server and no other file. */
function dataUrl(dir: string, file: string): string | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  return `data:${mime[extname(file)] ?? 'application/octet-stream'};base64,${readFileSync(path).toString('base64')}`;
}

/** Inline Markdown: code, images (embedded), links, bold. */
function inline(text: string, dir: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1)
        return `<code>${html(part.slice(1, -1))}</code>`;
      return html(part)
        .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_, alt: string, file: string) => {
          const src = dataUrl(dir, file);
          return src ? `<img data-image="${file}" alt="${alt}" src="${src}">` : `[missing image ${file}]`;
        })
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>')
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
    })
    .join('');
}

/**
 * The Markdown the drills write, enough of it for reading: paragraphs, lists, tables, headings, inline marks.
 * (No Markdown library is installed; anything else shows as its text.)
 */
export function markdownHtml(markdown: string, dir: string): string {
  return markdown
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.trim().split('\n');
      if (lines.every((l) => l.trim().startsWith('|'))) {
        const rows = lines
          .filter((l) => !/^\|[\s:|-]+\|$/.test(l.trim()))
          .map((l) =>
            l
              .trim()
              .replace(/^\||\|$/g, '')
              .split(/(?<!\\)\|/),
          );
        return `<table>${rows
          .map(
            (cells, i) =>
              `<tr>${cells.map((c) => (i === 0 ? `<th>${inline(c.trim(), dir)}</th>` : `<td>${inline(c.trim(), dir)}</td>`)).join('')}</tr>`,
          )
          .join('')}</table>`;
      }
      if (lines.every((l) => /^\s*[-*] /.test(l)))
        return `<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] /, ''), dir)}</li>`).join('')}</ul>`;
      const heading = /^(#{1,6}) (.*)$/.exec(lines[0] ?? '');
      if (heading && lines.length === 1) return `<h4>${inline(heading[2] ?? '', dir)}</h4>`;
      return `<p>${inline(lines.join('\n'), dir)}</p>`;
    })
    .join('\n');
}

function runLine(r: RecordedResult): string {
  const m = r.machine;
  return `<p class="run" data-testid="run"><b>${html(r.mode)}</b> run, commit <code>${html(r.commit.sha.slice(0, 12))}</code>${r.commit.dirty ? ' (dirty tree)' : ''}, ${html(r.date)}, ${r.durationSeconds} s; ${m.cores} cores, ${m.memoryGiB} GiB, ${html(m.cpu)}, ${html(m.os)}, load ${m.loadAverage.join(' / ')}</p>`;
}

function metricsTable(metrics: Record<string, unknown>): string {
  const rows = [...flattenMetrics(metrics)].map(
    ([k, v]) => `<tr><td>${html(k)}</td><td>${html(formatValue(v))}</td></tr>`,
  );
  return `<details><summary>All metrics (${rows.length})</summary><table>${rows.join('')}</table></details>`;
}

function reportSection(row: ResultRow & { result: RecordedResult }, dir: string): string {
  const r = row.result;
  const charts = r.charts.map((c) => {
    const src = dataUrl(dir, c.file);
    return `<figure data-chart="${html(c.file)}">${src ? `<img alt="${html(c.caption)}" src="${src}">` : `[missing chart ${html(c.file)}]`}<figcaption>${html(c.caption)}</figcaption></figure>`;
  });
  const sections = r.sections.map((s) => `<h3>${html(s.heading)}</h3>\n${markdownHtml(s.body, dir)}`);
  return [
    `<section id="${row.name}" data-report="${row.name}" data-passed="${r.passed}">`,
    `<h2><span class="verdict ${r.passed ? 'pass' : 'fail'}">${r.passed ? 'PASS' : 'FAIL'}</span> ${html(r.title)}</h2>`,
    runLine(r),
    `<p class="headline">${html(headlineText(row.evidence.headline, r.metrics))}</p>`,
    markdownHtml(r.summary, dir),
    ...charts,
    metricsTable(r.metrics),
    ...sections,
    '</section>',
  ].join('\n');
}

const style = `body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
section{border-top:2px solid #444;margin-top:2.5em}figure{margin:1em 0}img{max-width:100%}
.verdict{font-size:.8em;padding:1px 6px;border-radius:3px;color:#fff}.pass{background:#2a7d2a}.fail{background:#b22}
.run{color:#555;font-size:.9em}.headline{font-weight:600}code{background:#f3f3f3;padding:0 2px}`;

/** The whole page: an index of every drill and bench, then each recorded report with its charts embedded. */
export function resultsPage(rows: readonly ResultRow[], dir: string): string {
  const recorded = rows.filter((r): r is ResultRow & { result: RecordedResult } => r.result !== undefined);
  const index = rows.map((r) => {
    const res = r.result;
    const verdict = res
      ? `<span class="verdict ${res.passed ? 'pass' : 'fail'}">${res.passed ? 'PASS' : 'FAIL'}</span>`
      : '—';
    const name = res ? `<a href="#${r.name}">${r.name}</a>` : r.name;
    const run = res
      ? `${res.mode}, <code>${res.commit.sha.slice(0, 7)}</code>, ${res.date.slice(0, 10)}`
      : 'no recorded run yet';
    return `<tr><td>${name}</td><td>${r.kind}</td><td>${html(r.evidence.proves)}</td><td>${verdict}</td><td>${run}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Holdline drill and bench results</title><style>${style}</style></head>
<body>
<h1>Holdline: drill and bench results</h1>
<p>Generated from <code>drills/results/</code> by <code>npm run drill -- all</code>. Quick runs use small N and prove less than full ones; each report says which it was.</p>
<table><tr><th>name</th><th>kind</th><th>what it proves</th><th>verdict</th><th>run</th></tr>${index.join('')}</table>
${recorded.map((r) => reportSection(r, dir)).join('\n')}
</body></html>
`;
}
