import { findJava, installDebezium } from './cloud/debezium/index.ts';
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

// Debezium Server, the real distribution from Maven Central (the version the CDK task definition's image names).
await installDebezium((line) => console.log(`[setup]   ${line}`));
// Debezium Server needs Java 21+; say so now rather than when the pipeline starts.
const java = findJava();
console.log(`[setup]   Java ${java.version} for Debezium Server: ${java.home}`);

// PostgreSQL 15 and 16 beside the project's 17: the runbook SQL test runs every runbook query on each major the
// stack supports.
for (const major of Object.keys(olderPostgres).map(Number) as OlderMajor[]) {
  const started = Date.now();
  process.stdout.write(`[setup]   postgres@${olderPostgres[major]} … `);
  const outcome = await installOlderPostgres(major);
  console.log(outcome.fresh ? `installed (${((Date.now() - started) / 1000).toFixed(1)} s)` : 'cached');
}
