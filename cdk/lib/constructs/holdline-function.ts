import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { alarmThresholds } from '../alarm-thresholds.ts';
import { config } from '../config.ts';
import { ENTRY_METADATA, HANDLER_METADATA } from '../entry-metadata.ts';
import { fromRepoRoot, repoRelative, repoRoot } from '../paths.ts';

/** Metadata keys on `AWS::Lambda::Function` that the local Lambda runtime reads to find the source to run. */

// ESM bundles lose `require`; some dependencies still call it for Node built-ins.
const REQUIRE_BANNER =
  "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);";

export interface HoldlineFunctionProps {
  /** Handler module, repo-relative with forward slashes, e.g. `lambdas/api/handler.ts`. Must exist. */
  entry: string;
  /** Exported handler name. Default `handler`. */
  handler?: string;
  /** `POWERTOOLS_SERVICE_NAME`: names the service in logs, metrics and traces. */
  serviceName: string;
  timeout: Duration;
  /** Default 512 MB (arm64): enough for the SDK clients and Powertools with a fast cold start. */
  memorySize?: number;
  environment?: Record<string, string>;
  /** Only for functions that reach Postgres through RDS Proxy; everything else stays out of the VPC. */
  vpc?: IVpc;
  vpcSubnets?: SubnetSelection;
  securityGroups?: ISecurityGroup[];
}

/**
 * A Node.js Lambda with the house defaults pinned: Node 22 on arm64, ESM bundle with source maps, active
 * tracing, a log group with retention, and the `holdline:entry` / `holdline:handler` metadata contract.
 */
export class HoldlineFunction extends NodejsFunction {
  /** The repo-relative entry, as written to the `holdline:entry` metadata. */
  readonly entryPath: string;

  constructor(scope: Construct, id: string, props: HoldlineFunctionProps) {
    const entryPath = repoRelative(props.entry);
    const handler = props.handler ?? 'handler';
    super(scope, id, {
      entry: fromRepoRoot(entryPath),
      handler,
      projectRoot: repoRoot,
      depsLockFilePath: fromRepoRoot('package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 512,
      tracing: Tracing.ACTIVE,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: config.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        // Stack traces point at the TypeScript source, not the bundle.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        // Prefer ESM builds of dependencies so tree-shaking works and no CJS/ESM dual copies are bundled.
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        sourceMap: true,
        minify: true,
        // Local esbuild (a devDependency), never a Docker build container: deploys need no Docker for Lambdas.
        forceDockerBundling: false,
      },
    });
    this.entryPath = entryPath;
    // Every function pages on its own errors and throttles: what actually broke, named by function.
    for (const [name, metric] of [
      ['Errors', this.metricErrors({ period: Duration.minutes(1), statistic: Stats.SUM })],
      ['Throttles', this.metricThrottles({ period: Duration.minutes(1), statistic: Stats.SUM })],
    ] as const)
      new Alarm(this, `${name}Alarm`, {
        alarmDescription: `${props.serviceName}: Lambda ${name} — runbook: docs/runbooks/function-errors.md`,
        metric,
        threshold: alarmThresholds.functionErrors,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    const cfn = this.node.defaultChild as CfnFunction;
    cfn.addMetadata(ENTRY_METADATA, entryPath);
    cfn.addMetadata(HANDLER_METADATA, handler);

    // cdk-nag (AwsSolutions) findings every Holdline function shares, acknowledged here with the reason.
    const ack = (id: string, reason: string) => Validations.of(this).acknowledge({ id, reason });
    ack(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The AWS-managed basic execution policy grants only logs:CreateLogGroup/CreateLogStream/PutLogEvents; writing ' +
        'a copy of it by hand would add nothing but drift.',
    );
    if (props.vpc !== undefined)
      ack(
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        'A function in the VPC (to reach RDS Proxy) needs the ENI create/describe/delete calls this AWS-managed ' +
          'policy grants, and nothing more.',
      );
    ack(
      'AwsSolutions-IAM5[Resource::*]',
      'xray:PutTraceSegments and xray:PutTelemetryRecords (tracing: ACTIVE) exist only on Resource "*"; ' +
        'cdk/test/nag.test.ts fails if any other action is granted on "*".',
    );
    ack(
      'AwsSolutions-L1',
      'The runtime is pinned to Node.js 22 (an LTS line Lambda supports), not "latest": a runtime change is a ' +
        'reviewed change, tested against the local runtime first.',
    );
  }
}

export { ENTRY_METADATA, HANDLER_METADATA };
