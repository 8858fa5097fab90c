import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEBEZIUM_DIST_SHA256, DEBEZIUM_VERSION } from '../lib/constructs/debezium-task.ts';
import { fromRepoRoot } from '../lib/paths.ts';
import { READ_ONLY_SYNTH_ISSUER } from '../lib/token-issuer.ts';

interface SynthRun {
  code: number | null;
  output: string;
  outdir: string;
}

// Integration, not unit: it runs the CDK CLI, a process.
const outdirs: string[] = [];

/** The real CDK CLI, as `npm run cdk -- synth` runs it, with Lambda bundling skipped to keep it fast. */
function cliSynth(context: Record<string, string>): Promise<SynthRun> {
  const outdir = mkdtempSync(join(tmpdir(), 'holdline-cli-synth-'));
  outdirs.push(outdir);
  const args = ['cdk', 'synth', '-q', '--no-notices', '-o', outdir];
  for (const [key, value] of Object.entries(context)) args.push('-c', `${key}=${value}`);
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, {
      cwd: fromRepoRoot('cdk'),
      env: { ...process.env, HOLDLINE_SKIP_BUNDLING: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, outdir }));
  });
}

describe('cdk synth (the CLI, with cdk-nag)', () => {
  // One run of the default variant with the stub providers, as a sandbox's first deploy (about 25 s on two cores):
  // the other variants are synthesized with the same nag plugin in-process by nag.test.ts, which is what the CLI
  // runs too.
  const run = cliSynth({ providers: 'stub', ...READ_ONLY_SYNTH_ISSUER });
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  it('synthesizes the app with the nag plugin passing', async () => {
    const { code, output, outdir } = await run;
    expect(code, output).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'Holdline.template.json'), 'utf8'));
    expect(Object.keys(template.Resources).length).toBeGreaterThan(50);
    // Written by CDK's policy validation, i.e. the cdk-nag plugin bin/app.ts registers ran.
    expect(existsSync(join(outdir, 'validation-report.json'))).toBe(true);
  }, 180_000);

  it('refuses to synthesize without provider settings, saying which and how to get the stub', async () => {
    const { code, output } = await cliSynth({});
    expect(code).not.toBe(0);
    expect(output).toContain(
      'No provider URL for paymentGatewayUrl, inventoryServiceUrl, notificationServiceUrl',
    );
    expect(output).toContain('-c providers=stub');
  }, 180_000);

  it('stages the Debezium image with the pinned release and checksum as build arguments, and no Docker build', async () => {
    const { outdir } = await run;
    const assets = JSON.parse(readFileSync(join(outdir, 'Holdline.assets.json'), 'utf8'));
    const images = Object.values(assets.dockerImages) as {
      source: { directory: string; dockerBuildArgs: Record<string, string>; platform: string };
    }[];
    expect(images).toHaveLength(1);
    expect(images[0]!.source).toMatchObject({
      dockerBuildArgs: { DEBEZIUM_VERSION, DEBEZIUM_DIST_SHA256 },
      platform: 'linux/amd64',
    });
    expect(existsSync(join(outdir, images[0]!.source.directory, 'Dockerfile'))).toBe(true);
  }, 180_000);
});
