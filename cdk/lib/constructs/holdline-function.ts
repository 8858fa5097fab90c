import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { config } from '../config.ts';
import { fromRepoRoot, repoRelative, repoRoot } from '../paths.ts';

/** Metadata keys on `AWS::Lambda::Function` that the local Lambda runtime reads to find the source to run. */
export const ENTRY_METADATA = 'holdline:entry';
export const HANDLER_METADATA = 'holdline:handler';

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
      },
    });
    this.entryPath = entryPath;
    const cfn = this.node.defaultChild as CfnFunction;
    cfn.addMetadata(ENTRY_METADATA, entryPath);
    cfn.addMetadata(HANDLER_METADATA, handler);
  }
}
