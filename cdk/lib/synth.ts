import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addHoldlineStack, STACK_NAME } from './holdline-app.ts';
import type { CfnTemplate } from './template.ts';

export interface SynthOptions {
  /** CDK context, e.g. `{ database: 'aurora', cdc: 'dms' }`. */
  context?: Record<string, unknown>;
  /** Bundle the Lambdas with esbuild. Default false: templates only, in about a second. */
  bundle?: boolean;
}

/**
 * Synthesizes the Holdline stack in-process and returns its CloudFormation template. Used by the local cloud
 * and the tests; writes to a temporary directory that is removed afterwards.
 */
export function synthTemplate(opts: SynthOptions = {}): CfnTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'holdline-synth-'));
  try {
    const app = new App({
      outdir,
      context: {
        // An empty list means "bundle no stack": assets get a placeholder hash instead of an esbuild run.
        ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
        ...opts.context,
      },
    });
    addHoldlineStack(app);
    return app.synth().getStackByName(STACK_NAME).template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
