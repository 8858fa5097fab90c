import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addHoldlineStack } from '../lib/holdline-app.ts';
import { addNagChecks } from '../lib/nag.ts';
import { repoRoot } from '../lib/paths.ts';

// The CDK CLI sets CDK_OUTDIR; run directly (`npx tsx cdk/bin/app.ts`) it writes <repo>/cdk.out.
// HOLDLINE_SKIP_BUNDLING=1 (the CLI synth test): templates only, Lambda assets get placeholder hashes. It goes
// after the CLI's context, which otherwise selects every stack for bundling.
const app = new App({
  outdir: process.env.CDK_OUTDIR ?? join(repoRoot, 'cdk.out'),
  ...(process.env.HOLDLINE_SKIP_BUNDLING === '1'
    ? { postCliContext: { 'aws:cdk:bundling-stacks': [] } }
    : {}),
});
addHoldlineStack(app);
// cdk-nag AwsSolutions: an unacknowledged finding fails synth and deploy.
addNagChecks(app);
app.synth();
