import { Command } from 'commander';
import { cliRequest, listing } from './cli-request.ts';
import { describeComparison, unacknowledged } from './kit/compare.ts';
import { consoleContext } from './kit/context.ts';
import { DrillParamError, parseParams } from './kit/params.ts';
import { stopChildren } from './kit/processes.ts';
import { writeReport } from './kit/report.ts';
import { readResults, recordResult, runMeta } from './kit/results.ts';
import { benches, drills, type Runnable } from './registry.ts';
import { compareWithCommitted, refreshResultFiles } from './results-files.ts';
import { runAll } from './run-all.ts';

// A drill interrupted (Ctrl-C, a CI timeout) stops what it started before it exits: its emulators, Postgres and
// Debezium would otherwise go on using the machine's cores and ports. A terminal's Ctrl-C reaches npm, tsx and this
// process alike, so a repeated signal is ignored, and so are the errors of the run being torn down under it.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.on('uncaughtException', () => {});
    process.on('unhandledRejection', () => {});
    console.error(`\n${signal}: stopping the processes this run started …`);
    void stopChildren().then((n) => {
      console.error(`stopped ${n}`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  });

interface RunOptions {
  quick?: boolean;
  record?: boolean;
  param?: string[];
}

/** A bad `--param` is the caller's mistake: said in one line, not as a stack trace. */
async function runWithParams(load: () => Promise<Runnable>, quick: boolean, pairs: readonly string[]) {
  const params = parseParams(pairs);
  return (await load())(consoleContext(quick, params));
}

async function execute(
  kind: string,
  registry: Record<string, () => Promise<Runnable>>,
  name: string,
  opts: RunOptions,
) {
  const load = registry[name];
  if (!load) {
    console.error(`unknown ${kind} "${name}"; known: ${Object.keys(registry).join(', ') || '(none yet)'}`);
    process.exit(2);
  }
  const quick = Boolean(opts.quick);
  const started = Date.now();
  const { report, readable } = await runWithParams(load, quick, opts.param ?? []).catch((error: unknown) => {
    if (!(error instanceof DrillParamError)) throw error;
    console.error(`${kind} ${name}: ${error.message}`);
    process.exit(2);
  });
  const files = await writeReport(report, readable);
  const seconds = (Date.now() - started) / 1000;
  console.log(`${kind} ${name}: ${report.passed ? 'PASSED' : 'FAILED'} in ${seconds.toFixed(1)} s`);
  console.log(JSON.stringify(report.metrics));
  console.log(`wrote ${files.json} and ${files.markdown}`);
  if (opts.record) {
    await recordResult(report, readable, runMeta(quick ? 'quick' : 'full', seconds));
    refreshResultFiles();
    console.log(
      `recorded drills/results/${name}.json (${quick ? 'quick' : 'full'}); regenerated index.html and README.md`,
    );
  }
  // SDK keep-alive sockets must not hold the process open once the report is written.
  process.exit(report.passed ? 0 : 1);
}

const printList = () => {
  for (const line of listing(Object.keys(drills), Object.keys(benches))) console.log(line);
};

const names = (list: string) =>
  list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);

const collect = (value: string, previous: string[]) => [...previous, value];
const paramHelp = 'a parameter of the drill, name=value, repeatable (its README lists them)';

const program = new Command('holdline').description(
  'Drills break the pipeline on purpose; benches measure it',
);
program
  .command('drill <name>')
  .description(
    'one drill; `all`: every drill and bench into drills/results/; `readme`: regenerate from drills/results/; `list`: every name',
  )
  .option('--quick', 'small N, as npm test runs it')
  .option('--record', 'also write drills/results/<name>.json, the page and the README table')
  .option('--only <names>', 'with `all`: only these, comma-separated')
  .option('--param <name=value>', paramHelp, collect, [])
  .action(async (name: string, opts: RunOptions & { only?: string }) => {
    const { action } = cliRequest('drill', name);
    if (action === 'list') return printList();
    if (action === 'all')
      process.exit(
        await runAll({ quick: Boolean(opts.quick), only: opts.only ? names(opts.only) : undefined }),
      );
    if (action === 'readme') return refreshResultFiles();
    return execute('drill', drills, name, opts);
  });
program
  .command('bench <name>')
  .description('one bench; `compare`: drills/results/ against its committed values; `list`: every name')
  .option('--quick', 'small N, as npm test runs it')
  .option('--record', 'also write drills/results/<name>.json, the page and the README table')
  .option('--param <name=value>', paramHelp, collect, [])
  .option('--against <rev>', 'with `compare`: the git revision to compare with', 'HEAD')
  .action((name: string, opts: RunOptions & { against: string }) => {
    const { action } = cliRequest('bench', name);
    if (action === 'list') return printList();
    if (action !== 'compare') return execute('bench', benches, name, opts);
    const comparisons = compareWithCommitted([...readResults().keys()], opts.against);
    for (const line of comparisons.flatMap(describeComparison)) console.log(line);
    process.exit(unacknowledged(comparisons).length > 0 ? 1 : 0);
  });
program.command('list').description('every drill and bench by name').action(printList);
await program.parseAsync();
