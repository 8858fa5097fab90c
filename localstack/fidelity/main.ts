import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../lib/paths.ts';
import { runFidelityProbe } from './probe.ts';
import { drillJson, renderMarkdown } from './report.ts';

// Usage: npx tsx localstack/fidelity/main.ts [--services sqs,dynamodb] [--candidates moto,elasticmq]
const { values } = parseArgs({
  options: { services: { type: 'string' }, candidates: { type: 'string' } },
});
// The SDK's "Node 20 support ends" notice is true but would drown the progress lines; it is in the final report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const list = (v: string | undefined) =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const report = await runFidelityProbe({
  services: list(values.services),
  candidates: list(values.candidates),
  onProgress: (line) => console.log(line),
});
const markdown = renderMarkdown(report);
const json = drillJson(report);
const dir = join(repoRoot, 'drills', 'reports');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'emulator-fidelity.json'), `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(join(dir, 'emulator-fidelity.md'), markdown);
console.log(`\n${markdown}`);
console.log(`wrote drills/reports/emulator-fidelity.{json,md}; passed=${json.passed}`);
// SDK keep-alive sockets and timers must not hold the process open after the report is written.
process.exit(json.passed ? 0 : 1);
