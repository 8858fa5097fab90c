import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HoldlineFunction } from '../lib/constructs/holdline-function.ts';

// Integration, not unit: bundling runs the esbuild binary, a process (functions.test.ts keeps the rest).
describe('HoldlineFunction bundling (esbuild)', () => {
  it('bundles an ESM module with a require shim and a source map', () => {
    // prepare: one function, bundled for real with the local esbuild
    const outdir = mkdtempSync(join(tmpdir(), 'holdline-bundle-'));
    onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bundle');
    new HoldlineFunction(stack, 'Fn', {
      entry: 'lambdas/router/handler.ts',
      serviceName: 'test',
      timeout: Duration.seconds(3),
    });
    // act
    const assembly = app.synth();
    const [, fn] = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]!;
    // The staged asset directory is named after the asset hash, which is also the S3 key.
    const assetDir = join(assembly.directory, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    // assert
    expect(fn.Properties.Handler).toBe('index.handler');
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
  });
});
