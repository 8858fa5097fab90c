import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Runs the cdk-nag AwsSolutions rules as a CDK policy-validation plugin (cdk-nag v3): any unacknowledged finding
 * stops `cdk synth` and `cdk deploy`. Acknowledgments (`Validations.of(construct).acknowledge`) live beside the
 * construct they concern, each with its reason; cdk/test/nag.test.ts checks every variant.
 */
export function addNagChecks(app: App): AwsSolutionsChecks {
  const checks = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(checks);
  return checks;
}
