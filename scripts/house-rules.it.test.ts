import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benches, drills } from '../drills/registry.ts';

// The house rules of issue 13, checked over the whole tree so a change that breaks one fails `npm test`.
// Integration, not unit: it runs git and Biome, processes.
const root = join(import.meta.dirname, '..');
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => /\.(ts|tsx|mts|mjs)$/.test(f) && !f.startsWith('node_modules/'));
const source = (file: string) => readFileSync(join(root, file), 'utf8');

/** Assignments to `process.env.AWS_*`: direct, deleted, `??=`, or every key at once with Object.assign. */
const assignsAwsEnv = (text: string) =>
  /process\.env\.AWS_\w+\s*(\?\?|\|\|)?=(?!=)|delete\s+process\.env\.AWS_|Object\.assign\(\s*process\.env\b|process\.env\[['"`]AWS_\w+['"`]\]\s*=(?!=)/.test(
    text,
  );
/** An SDK client made without saying where it talks: it would follow whatever the environment holds. */
const implicitClient = (text: string) => /new \w+Client\(\s*\{\s*\}\s*\)|kinesisClient\(\s*\)/.test(text);
/** Worker start-up, where a process's environment is its only input. */
const workerStartUp = ['localstack/test/worker-env.ts'];

describe('house rules', () => {
  it('product code cannot import the proving ground: the lint rule fails on a deliberate import', () => {
    const file = join(root, 'lambdas', 'shared', `house-rule-probe-${process.pid}.ts`);
    writeFileSync(
      file,
      "import { repoRoot } from '../../localstack/lib/paths.ts';\nexport const root = repoRoot;\n",
    );
    try {
      const lint = spawnSync(join(root, 'node_modules', '.bin', 'biome'), ['lint', file], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(lint.status).not.toBe(0);
      expect(`${lint.stdout}${lint.stderr}`).toMatch(/must not import the proving ground/);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('no code outside worker start-up assigns process.env.AWS_*', () => {
    expect(assignsAwsEnv("process.env.AWS_ENDPOINT_URL = 'x'")).toBe(true);
    expect(assignsAwsEnv('Object.assign(process.env, creds)')).toBe(true);
    expect(assignsAwsEnv('if (process.env.AWS_REGION === "x")')).toBe(false);
    const offenders = tracked.filter(
      (f) => !workerStartUp.includes(f) && f !== 'scripts/house-rules.it.test.ts' && assignsAwsEnv(source(f)),
    );
    expect(offenders).toEqual([]);
  });

  it('the local cloud, drills, tools and scripts make SDK clients for an explicit cloud', () => {
    const offenders = tracked.filter(
      (f) =>
        /^(localstack|drills|tools|scripts)\//.test(f) &&
        f !== 'scripts/house-rules.it.test.ts' &&
        implicitClient(source(f)),
    );
    expect(offenders).toEqual([]);
  });

  it('names are defined once: the consumers, the metric namespace, the entry metadata, the template types', () => {
    const typedAgain = (pattern: RegExp, home: string) =>
      tracked.filter((f) => f !== home && !f.endsWith('.test.ts') && pattern.test(source(f)));
    expect(
      typedAgain(/\['payment',\s*'inventory',\s*'notification'\]/, 'lambdas/shared/consumers.ts'),
    ).toEqual([]);
    expect(
      typedAgain(
        /namespace:\s*'Holdline'|Namespace:\s*'Holdline'|NAMESPACE = 'Holdline'/,
        'lambdas/shared/metric-names.ts',
      ),
    ).toEqual([]);
    expect(typedAgain(/'holdline:(entry|handler)'/, 'cdk/lib/entry-metadata.ts')).toEqual([]);
    expect(typedAgain(/QUEUE_URL_(PAYMENT|INVENTORY|NOTIFICATION)/, 'lambdas/shared/consumers.ts')).toEqual(
      [],
    );
    // The template's shape, and how a function is found in it by its entry.
    expect(
      typedAgain(
        /interface \w*(Template|Resource)\w*\s*(<[^>]*>)?\s*\{\s*Type: string/,
        'cdk/lib/template.ts',
      ),
    ).toEqual([]);
    expect(typedAgain(/Metadata\?\.\[ENTRY_METADATA\]\s*===/, 'cdk/lib/template.ts')).toEqual([]);
  });

  it('no drill inserts orders with raw SQL, and every drill’s run.ts is under 300 lines', () => {
    // The one exception: schema-change plays the app in table shapes the product's order store does not know (the
    // release steps of its migrations); in the production shape it is the same write, built from the same events.
    const playsTheApp = 'drills/schema-change/order-writer.ts';
    const raw = tracked.filter(
      (f) =>
        f.startsWith('drills/') &&
        !f.endsWith('.test.ts') &&
        f !== playsTheApp &&
        /insert\s+into\s+orders\b/i.test(source(f)),
    );
    expect(raw).toEqual([]);
    const long = [...Object.keys(drills), ...Object.keys(benches)]
      .map((name) => `drills/${name}/run.ts`)
      .map((f) => ({ f, lines: source(f).split('\n').length }))
      .filter(({ lines }) => lines >= 300);
    expect(long).toEqual([]);
  });
});
