import type { ReadableReport, Report } from '../kit/report.ts';
import { round } from '../kit/stats.ts';
import type { Arm } from './arms.ts';
import type { StatementCost } from './decompose.ts';
import { median, pairedRatios, type Sample } from './schedule.ts';

/** The outbox may cost at most 10% of the bare write rate. */
export const goalRatio = 0.9;

/** The arm whose ratio is the verdict: the write path the product runs. */
export const productionArm = 'outbox';

export interface ArmFigures {
  tps: number;
  /** Median over rounds of the window's rate / the mean of the bare windows around it. */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
  walBytesPerTx: number;
  clientCpuUsPerTx: number;
  serverCpuUsPerTx: number;
  planUsPerTx: number;
  execUsPerTx: number;
}

export function armFigures(samples: readonly Sample[]): Record<string, ArmFigures> {
  const ratios = pairedRatios(samples);
  const names = [...new Set(samples.map((s) => s.arm))];
  return Object.fromEntries(
    names.map((name) => {
      const own = samples.filter((s) => s.arm === name);
      const r = name === 'bare' ? [1] : ratios.filter((x) => x.arm === name).map((x) => x.ratio);
      const figures: ArmFigures = {
        tps: round(median(own.map((s) => s.tps))),
        ratio: round(median(r), 3),
        ratioMin: round(Math.min(...r), 3),
        ratioMax: round(Math.max(...r), 3),
        walBytesPerTx: round(median(own.map((s) => s.walBytesPerTx))),
        clientCpuUsPerTx: round(median(own.map((s) => s.clientCpuUsPerTx))),
        serverCpuUsPerTx: round(median(own.map((s) => s.serverCpuUsPerTx))),
        planUsPerTx: round(median(own.map((s) => s.planUsPerTx))),
        execUsPerTx: round(median(own.map((s) => s.execUsPerTx))),
      };
      return [name, figures];
    }),
  );
}

/** Where the database spends its time per order, statement by statement (pg_stat_statements). */
function statementLine(figures: Record<string, ArmFigures>): string {
  const of = (name: string) => {
    const f = figures[name];
    return f ? `\`${name}\` ${f.planUsPerTx} + ${f.execUsPerTx} µs` : undefined;
  };
  const parts = ['bare', productionArm, 'relay-mode-lookup', 'wal-only', 'bare-prepared', 'outbox-prepared']
    .map(of)
    .filter(Boolean);
  return `Statement time per order, planning + execution (pg_stat_statements, under the same load): ${parts.join('; ')}.`;
}

function armTable(arms: readonly Arm[], figures: Record<string, ArmFigures>): string {
  const rows = arms.map((arm) => {
    const f = figures[arm.name];
    if (!f) return `| ${arm.name} | — | — | — | — | — | — | — | — |`;
    return `| ${arm.name} | ${arm.what} | ${f.tps} | **${f.ratio}** (${f.ratioMin}–${f.ratioMax}) | ${f.walBytesPerTx} | ${f.planUsPerTx} / ${f.execUsPerTx} | ${f.serverCpuUsPerTx} | ${f.clientCpuUsPerTx} |`;
  });
  return [
    '| arm | what | tx/s (median) | ratio to bare: median (min–max) | WAL bytes/tx | statement plan / exec µs/tx | Postgres CPU µs/tx | client CPU µs/tx |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Per round, the prepared outbox's ratio over the prepared bare insert's: the outbox's cost with both prepared. */
export function preparedRatio(samples: readonly Sample[]): number {
  const ratios = pairedRatios(samples);
  const rounds = [...new Set(ratios.map((r) => r.round))];
  const perRound = rounds.flatMap((round) => {
    const of = (arm: string) => ratios.find((r) => r.round === round && r.arm === arm)?.ratio;
    const outbox = of('outbox-prepared');
    const bare = of('bare-prepared');
    return outbox && bare ? [outbox / bare] : [];
  });
  return round(median(perRound), 3);
}

function statementTable(arms: readonly Arm[], statements: Record<string, StatementCost>): string {
  const bare = statements.bare;
  const rows = arms.flatMap((arm) => {
    const s = statements[arm.name];
    if (!s) return [];
    const extra = bare ? round(s.planUs + s.execUs - bare.planUs - bare.execUs) : '—';
    return [
      `| ${arm.name} | ${round(s.planUs)} | ${round(s.execUs)} | ${extra} | ${round(s.walBytes)} | ${round(s.latencyUs)} |`,
    ];
  });
  return [
    '| arm | plan µs | exec µs | plan + exec over bare, µs | WAL bytes (statement) | round trip incl. commit, median µs |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function writePathReport(input: {
  samples: Sample[];
  statements: Record<string, StatementCost>;
  arms: readonly Arm[];
  concurrency: number;
  seconds: number;
  rounds: number;
  commit: string;
  quick: boolean;
  log: (line: string) => void;
}): { report: Report; readable: ReadableReport } {
  const { samples, arms, concurrency, seconds, rounds, commit } = input;
  const figures = armFigures(samples);
  const bare = figures.bare as ArmFigures;
  const outbox = figures[productionArm] as ArmFigures;
  for (const arm of arms) {
    const f = figures[arm.name];
    if (f)
      input.log(
        `${arm.name.padEnd(18)} ${String(f.tps).padStart(8)} tx/s  ratio ${f.ratio} (${f.ratioMin}–${f.ratioMax})  WAL ${f.walBytesPerTx} B/tx  plan/exec ${f.planUsPerTx}/${f.execUsPerTx} µs  pg ${f.serverCpuUsPerTx} µs/tx  client ${f.clientCpuUsPerTx} µs/tx`,
      );
  }
  const report: Report = {
    drill: 'write-path',
    passed: outbox.ratio >= goalRatio,
    metrics: {
      bareTps: bare.tps,
      outboxTps: outbox.tps,
      ratio: outbox.ratio,
      ratioMin: outbox.ratioMin,
      ratioMax: outbox.ratioMax,
      goalRatio,
      design: productionArm,
      preparedRatio: preparedRatio(samples),
      bareWalBytesPerTx: bare.walBytesPerTx,
      outboxWalBytesPerTx: outbox.walBytesPerTx,
      arms: figures,
      statements: Object.fromEntries(
        Object.entries(input.statements).map(([name, c]) => [
          name,
          {
            planUs: round(c.planUs),
            execUs: round(c.execUs),
            walBytes: round(c.walBytes),
            latencyUs: round(c.latencyUs),
          },
        ]),
      ),
      concurrency,
      secondsPerWindow: seconds,
      rounds,
      commit,
    },
    evidence: {
      samples,
      arms: arms.map(({ name, what, shape }) => ({ name, what, shape })),
      fsync: 'on',
      postgres: 17,
      quick: input.quick,
    },
  };
  return {
    report,
    readable: {
      title: 'Bench: write path — where the outbox costs, arm by arm',
      summary: [
        `Same Postgres 17 (fsync on, wal_level logical), the product's driver, ${concurrency} closed-loop writers. Every arm writes the same order; they differ only in how its event is kept. Each variant's ${seconds} s window sits between two windows of \`bare\` (the order row alone), and the variants' order rotates over ${rounds} round(s); an arm's ratio is the median over rounds of its rate over the mean of the two bare windows around it, with the spread (min–max). At commit \`${commit}\`.`,
        `Production (\`${productionArm}\`: the order and its \`OrderPlaced\` row in one statement) reached **${outbox.ratio}×** the bare rate (spread ${outbox.ratioMin}–${outbox.ratioMax}; goal ≥ ${goalRatio}). WAL per transaction: ${bare.walBytesPerTx} B bare, ${outbox.walBytesPerTx} B with the outbox row.`,
        statementLine(figures),
        `With both statements prepared (planned once per connection, \`bare-prepared\` vs \`outbox-prepared\`) the outbox reached **${preparedRatio(samples)}×** the bare rate, round by round.`,
        'The machine is shared (2 cores, other work running): absolute rates move with its load; the paired ratios are what to compare. The client runs on the same cores, so its CPU lowers the rates here where in AWS it would run in a Lambda.',
      ].join('\n\n'),
      sections: [
        { heading: 'Arms: rate windows', body: armTable(arms, figures) },
        {
          heading: 'Statement by statement (one connection, every arm interleaved order by order)',
          body: `Machine load reaches every arm within milliseconds of the others here, so these columns are the steadiest split of where an order's database time goes. The prepared arms share their statement (and its pg_stat_statements entry) with an unprepared arm, so they are not in this table.\n\n${statementTable(arms, input.statements)}`,
        },
      ],
      charts: [
        {
          name: 'tps',
          caption: 'Ratio to the bare windows around it, by arm and round',
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
            width: 420,
            height: 240,
            data: { values: pairedRatios(samples) },
            layer: [
              {
                mark: { type: 'point', filled: true },
                encoding: {
                  y: { field: 'arm', type: 'nominal', title: null },
                  x: {
                    field: 'ratio',
                    type: 'quantitative',
                    title: 'rate / bare rate',
                    scale: { zero: false },
                  },
                  color: { field: 'round', type: 'ordinal' },
                },
              },
              {
                data: { values: [{ goal: goalRatio }] },
                mark: { type: 'rule', strokeDash: [4, 4] },
                encoding: { x: { field: 'goal', type: 'quantitative' } },
              },
            ],
          },
        },
      ],
    },
  };
}
