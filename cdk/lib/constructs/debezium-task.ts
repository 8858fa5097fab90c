import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { Connections, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  ContainerImage,
  CpuArchitecture,
  Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  type ICluster,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { config } from '../config.ts';
import { DEBEZIUM_SECRET_PROPERTIES, environmentName, toEnvironment } from '../debezium-config.ts';
import { fromRepoRoot, repoRelative } from '../paths.ts';

/**
 * Debezium Server release: the Maven Central distribution `io.debezium:debezium-server-dist:<version>:tar.gz`.
 * The one pin: the Fargate image is built from it (cdk/images/debezium/Dockerfile) and the local cloud installs it.
 */
export const DEBEZIUM_VERSION = '3.6.0.Final';

/** SHA-256 of that archive. The image build refuses any other bytes; a test compares it with the local download. */
export const DEBEZIUM_DIST_SHA256 = '901ce7b0b75b4dafaac4aa57dac6dfcad5937f96fb7159e25d22759bbf5192e4';

/** Docker label on the container naming the release inside the image (the image tag is an asset hash). */
export const DEBEZIUM_VERSION_LABEL = 'holdline.debezium-version';

/** The image directory, repo-relative. */
export const DEBEZIUM_IMAGE_DIR = 'cdk/images/debezium';

/** The RDS CA bundle inside the image (`rds-ca-bundle.pem` beside the Dockerfile), for `sslmode=verify-full`. */
export const DEBEZIUM_RDS_CA_FILE = 'rds-ca-bundle.pem';
export const DEBEZIUM_RDS_CA_PATH = `/debezium/${DEBEZIUM_RDS_CA_FILE}`;

/** Container name the local cloud looks for in each Debezium task definition. */
export const DEBEZIUM_CONTAINER = 'debezium';

// What the Kinesis sink calls: PutRecords for data, the describe/list calls at start-up and on retries.
const KINESIS_WRITE_ACTIONS = [
  'kinesis:PutRecord',
  'kinesis:PutRecords',
  'kinesis:DescribeStream',
  'kinesis:DescribeStreamSummary',
  'kinesis:ListShards',
];

export interface DebeziumTaskProps {
  cluster: ICluster;
  /** Output of `debeziumProperties()`: becomes the container environment. */
  properties: Record<string, string>;
  /** The stream the connector writes; the task role may write nothing else. */
  stream: IStream;
  /** The CDC role's login, injected by ECS into the `DEBEZIUM_SECRET_PROPERTIES`. */
  secret: ISecret;
  /** The database the connector reads; it gains an ingress rule from the task. */
  database: Connections;
  subnets: SubnetSelection;
  /** Run the connector (1 task, the default) or keep the service at 0 tasks (the first deploy, before migrations). */
  paused?: boolean;
}

/**
 * One Debezium Server connector as a Fargate service of exactly one task. One task, never two: a
 * replication slot accepts one consumer, so deployments stop the old task before starting the new one.
 */
export class DebeziumTask extends Construct {
  readonly taskDefinition: FargateTaskDefinition;
  readonly service: FargateService;

  constructor(scope: Construct, id: string, props: DebeziumTaskProps) {
    super(scope, id);
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.X86_64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    this.taskDefinition.addToTaskRolePolicy(
      new PolicyStatement({ actions: KINESIS_WRITE_ACTIONS, resources: [props.stream.streamArn] }),
    );

    this.taskDefinition.addContainer(DEBEZIUM_CONTAINER, {
      // Built and pushed to the bootstrap ECR repository by `cdk deploy` (Docker needed then); synth only stages
      // the directory. Our own image, not quay.io's: the task pulls from ECR in-region, and the image is built
      // from the same archive, with the same class path and main class, as the local server.
      image: ContainerImage.fromAsset(fromRepoRoot(repoRelative(DEBEZIUM_IMAGE_DIR)), {
        platform: Platform.LINUX_AMD64,
        buildArgs: { DEBEZIUM_VERSION, DEBEZIUM_DIST_SHA256 },
      }),
      dockerLabels: { [DEBEZIUM_VERSION_LABEL]: DEBEZIUM_VERSION },
      essential: true,
      environment: {
        ...toEnvironment(props.properties),
        // Leave room for off-heap buffers in a 1 GiB task.
        JAVA_OPTS: '-XX:MaxRAMPercentage=70',
      },
      secrets: Object.fromEntries(
        Object.entries(DEBEZIUM_SECRET_PROPERTIES).map(([property, field]) => [
          environmentName(property),
          EcsSecret.fromSecretsManager(props.secret, field),
        ]),
      ),
      portMappings: [{ containerPort: 8080 }],
      logging: LogDrivers.awsLogs({
        streamPrefix: 'debezium',
        logGroup: new LogGroup(this, 'Logs', {
          retention: config.logRetention,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      }),
      healthCheck: {
        // Quarkus health: DOWN when the connector has stopped (e.g. the sink gave up), so ECS replaces the task.
        command: ['CMD-SHELL', 'curl -fsS http://localhost:8080/q/health || exit 1'],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        // Start-up includes connecting, validating the slot and possibly starting a snapshot.
        startPeriod: Duration.seconds(120),
      },
    });

    this.service = new FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      // Exactly one, or none while paused: never two readers on one slot.
      desiredCount: props.paused ? 0 : 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      // Public subnet + public IP: reaches quay.io and Kinesis without a NAT gateway; no inbound rules.
      assignPublicIp: true,
      vpcSubnets: props.subnets,
      circuitBreaker: { rollback: true },
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'Configuration by environment is the design: the same variables configure the local server ' +
        '(cdk/lib/debezium-config.ts). Credentials never travel this way; they are ECS secrets from Secrets ' +
        'Manager, which cdk/test/debezium-task.test.ts checks.',
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The execution role\'s ecr:GetAuthorizationToken exists only on Resource "*"; the image pull itself is ' +
        'scoped to the asset repository.',
    });
    props.database.allowDefaultPortFrom(this.service, `${id} (Debezium) to Postgres`);
  }
}
