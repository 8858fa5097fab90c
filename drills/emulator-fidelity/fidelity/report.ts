import { checksByService } from './probe.ts';
import type { CheckResult, FidelityReport, Outcome, Service, StartupResult } from './types.ts';

export interface Recommendation {
  service: Service;
  winner: string;
  version: string;
  criticalPassed: number;
  criticalTotal: number;
  passed: number;
  total: number;
  /** Critical checks the winner does not pass; empty means the service's guarantees hold locally. */
  criticalGaps: string[];
  reason: string;
}

interface Score {
  candidate: string;
  version: string;
  criticalPassed: number;
  criticalTotal: number;
  passed: number;
  total: number;
  rssMb: number;
  startMs: number;
  gaps: string[];
}

const icon: Record<Outcome, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  error: '⚠️ error',
  unsupported: '➖ unsupported',
};

function servicesIn(report: FidelityReport): Service[] {
  return (Object.keys(checksByService) as Service[]).filter((s) =>
    report.results.some((r) => r.service === s),
  );
}

function scores(report: FidelityReport, service: Service): Score[] {
  const rows = report.results.filter((r) => r.service === service);
  const names = [...new Set(rows.map((r) => r.candidate))];
  return names.map((candidate) => {
    const mine = rows.filter((r) => r.candidate === candidate);
    const start = report.startup.find((s) => s.candidate === candidate);
    const critical = mine.filter((r) => r.critical);
    return {
      candidate,
      version: mine[0]?.version ?? '?',
      criticalPassed: critical.filter((r) => r.outcome === 'pass').length,
      criticalTotal: critical.length,
      passed: mine.filter((r) => r.outcome === 'pass').length,
      total: mine.length,
      rssMb: start?.rssMb ?? Number.POSITIVE_INFINITY,
      startMs: start?.ms ?? Number.POSITIVE_INFINITY,
      gaps: critical.filter((r) => r.outcome !== 'pass').map((r) => r.check),
    };
  });
}

const byFidelity = (a: Score, b: Score) => b.criticalPassed - a.criticalPassed || b.passed - a.passed;

/**
 * Ranking: critical passes first (they are the guarantees the drills assert), then all passes. Ties go to a
 * process that already runs for another service (it costs nothing extra), then to the cheaper one (RSS, start
 * time), because everything shares a 2-core box.
 */
export function recommend(report: FidelityReport): Recommendation[] {
  const services = servicesIn(report);
  const cheapest = (a: Score, b: Score) => byFidelity(a, b) || a.rssMb - b.rssMb || a.startMs - b.startMs;
  // First pass without sharing, to learn which processes run anyway; the second pass breaks ties with that.
  const firstPick = new Map(services.map((s) => [s, scores(report, s).sort(cheapest)[0]?.candidate]));
  return services.flatMap((service) => {
    const runsAnyway = (c: string) => services.some((o) => o !== service && firstPick.get(o) === c);
    const ranked = scores(report, service).sort(
      (a, b) =>
        byFidelity(a, b) ||
        Number(runsAnyway(b.candidate)) - Number(runsAnyway(a.candidate)) ||
        cheapest(a, b),
    );
    const [best, next] = ranked;
    if (!best) return [];
    const vs = next
      ? `; next ${next.candidate} ${next.criticalPassed}/${next.criticalTotal} critical, ${next.passed}/${next.total} all`
      : '';
    const gaps = best.gaps.length ? `; critical gaps: ${best.gaps.join(', ')}` : '';
    const shared =
      runsAnyway(best.candidate) && next && byFidelity(best, next) === 0 ? ' (tie: already running)' : '';
    return [
      {
        service,
        winner: best.candidate,
        version: best.version,
        criticalPassed: best.criticalPassed,
        criticalTotal: best.criticalTotal,
        passed: best.passed,
        total: best.total,
        criticalGaps: best.gaps,
        reason: `${best.candidate} ${best.criticalPassed}/${best.criticalTotal} critical, ${best.passed}/${best.total} all, ${best.rssMb} MB${shared}${vs}${gaps}`,
      },
    ];
  });
}

const cell = (r: CheckResult | undefined) => (r ? `${icon[r.outcome]}` : '—');
const escapePipes = (s: string) => s.replace(/\|/g, '\\|');

function startupTable(startup: StartupResult[]): string[] {
  return [
    '| candidate | version | start (ms) | RSS after checks (MB) | CPU-s during checks | idle CPU (% core) | install this run |',
    '|---|---|---:|---:|---:|---:|---|',
    ...startup.map(
      (s) =>
        `| ${s.candidate} | ${s.version} | ${s.ms} | ${s.rssMb} | ${s.cpuSec} | ${s.idleCpuPct} | ${s.error ? `FAILED: ${escapePipes(s.error)}` : s.installedFresh ? `${(s.installMs / 1000).toFixed(1)} s` : 'cached'} |`,
    ),
  ];
}

export function renderMarkdown(report: FidelityReport, generatedAt = new Date()): string {
  const recs = recommend(report);
  const lines = [
    '# Emulator fidelity',
    '',
    `Generated ${generatedAt.toISOString()} by \`npx tsx drills/cli.ts bench emulator-fidelity\` on ${process.platform}/Node ${process.versions.node}.`,
    'Critical checks (★) are the guarantees the pipeline relies on; the recommendation ranks on them first.',
    '',
    '## Start-up and memory',
    '',
    ...startupTable(report.startup),
  ];
  for (const service of servicesIn(report)) {
    const rows = report.results.filter((r) => r.service === service);
    const names = [...new Set(rows.map((r) => `${r.candidate}@${r.version}`))];
    lines.push(
      '',
      `## ${service}`,
      '',
      `| check | ${names.join(' | ')} |`,
      `|---|${names.map(() => '---').join('|')}|`,
    );
    for (const check of checksByService[service]) {
      const cells = names.map((n) =>
        cell(rows.find((r) => `${r.candidate}@${r.version}` === n && r.check === check.id)),
      );
      lines.push(`| ${check.critical ? '★ ' : ''}${check.id} | ${cells.join(' | ')} |`);
    }
    const rec = recs.find((r) => r.service === service);
    if (rec) lines.push('', `**Recommended: ${rec.winner}@${rec.version}** — ${escapePipes(rec.reason)}.`);
    const sqsPick = recs.find((r) => r.service === 'sqs')?.winner;
    if (service === 'sns' && rec && sqsPick && sqsPick !== rec.winner) {
      // An emulator's SNS delivers only into its own queues; say so where the two picks diverge.
      lines.push(
        '',
        `⚠️ SQS pick is ${sqsPick}: ${rec.winner}'s SNS cannot deliver into it, so fan-out must be done by the local runtime (or both must share one emulator).`,
      );
    }
    lines.push('', '<details><summary>observations</summary>', '');
    for (const r of rows) {
      const ms = r.ms === undefined ? '' : ` (${r.ms} ms)`;
      lines.push(`- ${r.candidate} · ${r.check}: ${r.outcome}${ms} — ${r.detail}`);
    }
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}

/** The drill report: passes when every probed service has a candidate holding all its critical guarantees. */
export function drillJson(report: FidelityReport) {
  const recs = recommend(report);
  const metrics: Record<string, Record<Outcome, number>> = {};
  for (const r of report.results) {
    const m = metrics[r.candidate] ?? { pass: 0, fail: 0, error: 0, unsupported: 0 };
    m[r.outcome]++;
    metrics[r.candidate] = m;
  }
  const passed = recs.every((r) => r.criticalGaps.length === 0) && report.startup.every((s) => !s.error);
  return {
    drill: 'emulator-fidelity',
    passed,
    metrics,
    evidence: { results: report.results, startup: report.startup, recommendations: recs },
  };
}
