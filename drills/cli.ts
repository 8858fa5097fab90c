import { Command } from 'commander';
import { consoleContext } from './kit/context.ts';
import { writeReport } from './kit/report.ts';
import { benches, drills, type Runnable } from './registry.ts';

async function execute(
  kind: string,
  registry: Record<string, () => Promise<Runnable>>,
  name: string,
  quick: boolean,
) {
  const load = registry[name];
  if (!load) {
    console.error(`unknown ${kind} "${name}"; known: ${Object.keys(registry).join(', ') || '(none yet)'}`);
    process.exit(2);
  }
  const started = Date.now();
  const { report, readable } = await (await load())(consoleContext(quick));
  const files = await writeReport(report, readable);
  console.log(
    `${kind} ${name}: ${report.passed ? 'PASSED' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(JSON.stringify(report.metrics));
  console.log(`wrote ${files.json} and ${files.markdown}`);
  // SDK keep-alive sockets must not hold the process open once the report is written.
  process.exit(report.passed ? 0 : 1);
}

const program = new Command('holdline').description(
  'Drills break the pipeline on purpose; benches measure it',
);
program
  .command('drill <name>')
  .option('--quick', 'small N, as npm test runs it')
  .action((name: string, opts: { quick?: boolean }) => execute('drill', drills, name, Boolean(opts.quick)));
program
  .command('bench <name>')
  .option('--quick', 'small N, as npm test runs it')
  .action((name: string, opts: { quick?: boolean }) => execute('bench', benches, name, Boolean(opts.quick)));
program.command('list').action(() => {
  console.log(`drills:  ${Object.keys(drills).join(', ') || '(none yet)'}`);
  console.log(`benches: ${Object.keys(benches).join(', ')}`);
});
await program.parseAsync();
