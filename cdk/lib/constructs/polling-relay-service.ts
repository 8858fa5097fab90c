import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { config } from '../config.ts';
import { repoRoot } from '../paths.ts';
import type { HoldlineDatabase } from './database.ts';
import type { Network } from './network.ts';

/** Tunables of the polling relay, with their reasons. */
export const pollingRelaySettings = {
  /** Replicas. 2: one can die or deploy while the other keeps sending; claims by aggregate keep order. */
  replicas: 2,
  /** Poll interval after a pass that was not full. 500 ms: p50 ≈ 300 ms commit → Kinesis (bench relay-ab)
   *  for 2 tiny index-only statements per second per replica. */
  intervalMs: 500,
  maxAggregates: 200,
  maxRows: 2000,
};

export interface PollingRelayServiceProps {
  network: Network;
  database: HoldlineDatabase;
  /** The stream both relays publish to (the router reads it). */
  orderEvents: IStream;
}

/** The container environment the relay reads (services/polling-relay/config.ts). */
export const RELAY_CONTAINER = 'relay';

/**
 * The polling outbox relay (services/polling-relay) as a Fargate service of N replicas: claims unsent outbox rows
 * with FOR UPDATE SKIP LOCKED by whole aggregate, PutRecords to the order-events stream, marks them sent.
 * Optional (context `relay=polling`); then the Debezium outbox connector is left out, and the database must be
 * switched with `SELECT outbox_use_relay('polling')` — the relay refuses to start otherwise.
 * Connects to the writer directly, not through RDS Proxy: a few long-lived connections, and its claim is a
 * multi-statement transaction that would pin a proxy connection anyway.
 */
export class PollingRelayService extends Construct {
  readonly taskDefinition: FargateTaskDefinition;
  readonly service: FargateService;

  constructor(scope: Construct, id: string, props: PollingRelayServiceProps) {
    super(scope, id);
    const cluster = new Cluster(this, 'Cluster', {
      vpc: props.network.vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
    });
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.ARM64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    this.taskDefinition.addToTaskRolePolicy(
      new PolicyStatement({ actions: ['kinesis:PutRecords'], resources: [props.orderEvents.streamArn] }),
    );
    this.taskDefinition.addContainer(RELAY_CONTAINER, {
      image: ContainerImage.fromAsset(repoRoot, {
        file: 'services/polling-relay/Dockerfile',
        platform: Platform.LINUX_ARM64,
        // Only what the image copies: the asset hash (and the upload) must not depend on anything else.
        exclude: ['**', '!package.json', '!package-lock.json', '!services/**', '!lambdas/**', '**/*.test.ts'],
      }),
      essential: true,
      environment: {
        DB_HOST: props.database.writerHost,
        DB_PORT: props.database.writerPort,
        DB_NAME: config.databaseName,
        OUTBOX_STREAM_NAME: props.orderEvents.streamName,
        RELAY_INTERVAL_MS: String(pollingRelaySettings.intervalMs),
        RELAY_MAX_AGGREGATES: String(pollingRelaySettings.maxAggregates),
        RELAY_MAX_ROWS: String(pollingRelaySettings.maxRows),
      },
      secrets: {
        DB_USERNAME: EcsSecret.fromSecretsManager(props.database.appSecret, 'username'),
        DB_PASSWORD: EcsSecret.fromSecretsManager(props.database.appSecret, 'password'),
      },
      logging: LogDrivers.awsLogs({
        streamPrefix: 'polling-relay',
        logGroup: new LogGroup(this, 'Logs', {
          retention: config.logRetention,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      }),
    });
    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: pollingRelaySettings.replicas,
      // Replicas may overlap during a deployment: claims by aggregate make that safe.
      minHealthyPercent: 50,
      maxHealthyPercent: 200,
      assignPublicIp: true,
      vpcSubnets: props.network.publicSubnets,
      circuitBreaker: { rollback: true },
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The relay is configured by environment (services/polling-relay/config.ts) like its local processes; ' +
        'the database password is an ECS secret from Secrets Manager, never a plain variable.',
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The execution role\'s ecr:GetAuthorizationToken exists only on Resource "*"; the image pull itself is ' +
        'scoped to the asset repository.',
    });
    props.database.connections.allowDefaultPortFrom(this.service, `${id} (polling relay) to Postgres`);
  }
}
