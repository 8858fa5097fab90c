import { Names, Stack, Validations } from 'aws-cdk-lib';
import {
  CfnCertificate,
  CfnEndpoint,
  CfnReplicationInstance,
  CfnReplicationSubnetGroup,
  CfnReplicationTask,
} from 'aws-cdk-lib/aws-dms';
import { InterfaceVpcEndpointAwsService, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { rdsCaBundlePem } from '../../../lambdas/shared/db/tls.ts';
import { config } from '../config.ts';
import type { HoldlineDatabase } from './database.ts';
import type { Network } from './network.ts';

export interface DmsCaptureProps {
  network: Network;
  database: HoldlineDatabase;
  orderEvents: IStream;
  orderChanges: IStream;
  /** Ignored: CloudFormation creates DMS tasks stopped; start them after the migrations (docs/deploy.md). */
  paused?: boolean;
}

/** DMS replication instance class. dms.t3.micro: the smallest, enough for 10 orders/s of two small tables. */
export const DMS_INSTANCE_CLASS = 'dms.t3.micro';

/**
 * The DMS engine, pinned: a PostgreSQL 17 source needs 3.6.1 or later ("Using a PostgreSQL database as an AWS DMS
 * source"), and without a pin DMS creates the instance on its default engine, which has lagged behind (3.5.x).
 * DMS stops creating instances of an engine some months before its end of life (the release notes' table): raise
 * this then, and with a new PostgreSQL major version.
 */
export const DMS_ENGINE_VERSION = '3.6.1';

/**
 * The account-wide roles DMS itself assumes, by these fixed names: `dms-vpc-role` to place the replication
 * instance's network interfaces (without it the subnet group cannot be created) and `dms-cloudwatch-logs-role` to
 * write the task logs the tasks enable. The stack does not create them: a second stack, or an account that used
 * DMS before, would collide on the names. docs/deploy.md creates them once, and waits for IAM to propagate.
 */
export const DMS_SERVICE_ROLES = {
  'dms-vpc-role': 'arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole',
  'dms-cloudwatch-logs-role': 'arn:aws:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole',
} as const;

/**
 * The AWS DMS alternative to Debezium (context `cdc=dms`): one replication instance in the isolated subnets, a
 * Postgres source endpoint with the heartbeat on, and one CDC-only task per table into its Kinesis stream,
 * partitioned by order id like Debezium. Limits, stated rather than hidden: DMS has no outbox router, so records
 * arrive in DMS's own JSON shape, which the router reads too (lambdas/router/dms-record.ts) but the order-view
 * projection does not (it reads Debezium's change events only); DMS creates its own `test_decoding` slots (not
 * the pgoutput publications), which the same `max_slot_wal_keep_size` caps; and the account needs the two
 * service roles of `DMS_SERVICE_ROLES` before the stack is deployed (docs/deploy.md).
 */
export class DmsCapture extends Construct {
  constructor(scope: Construct, id: string, props: DmsCaptureProps) {
    super(scope, id);
    const { network, database } = props;
    const region = Stack.of(this).region;

    const secretsRole = new Role(this, 'SecretsRole', {
      assumedBy: new ServicePrincipal(`dms.${region}.amazonaws.com`),
    });
    database.cdcSecret.grantRead(secretsRole);
    const kinesisRole = new Role(this, 'KinesisRole', {
      assumedBy: new ServicePrincipal('dms.amazonaws.com'),
    });
    kinesisRole.addToPolicy(
      new PolicyStatement({
        actions: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStream'],
        resources: [props.orderEvents.streamArn, props.orderChanges.streamArn],
      }),
    );

    const subnets = new CfnReplicationSubnetGroup(this, 'Subnets', {
      replicationSubnetGroupDescription: 'Holdline DMS capture',
      subnetIds: network.vpc.selectSubnets(network.isolatedSubnets).subnetIds,
    });
    const securityGroup = new SecurityGroup(this, 'SecurityGroup', { vpc: network.vpc });
    // The instance sits in isolated subnets (no NAT): it reaches Kinesis through an interface endpoint, and
    // Secrets Manager through the one the network already has.
    const kinesisEndpoint = network.vpc.addInterfaceEndpoint('KinesisStreams', {
      service: InterfaceVpcEndpointAwsService.KINESIS_STREAMS,
      subnets: network.isolatedSubnets,
    });
    Validations.of(kinesisEndpoint).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        "The endpoint's security group admits HTTPS from the VPC's own CIDR block only (CDK's default for " +
        'interface endpoints), never 0.0.0.0/0; cdk-nag cannot read the CIDR because it is a token.',
    });
    database.connections.allowDefaultPortFrom(securityGroup, 'DMS to Postgres');

    const instance = new CfnReplicationInstance(this, 'Instance', {
      replicationInstanceClass: DMS_INSTANCE_CLASS,
      engineVersion: DMS_ENGINE_VERSION,
      allocatedStorage: 20,
      publiclyAccessible: false,
      multiAz: false,
      replicationSubnetGroupIdentifier: subnets.ref,
      vpcSecurityGroupIds: [securityGroup.securityGroupId],
      autoMinorVersionUpgrade: true,
    });
    // Amazon's RDS CAs, imported into DMS, so the source endpoint checks the writer's certificate and name.
    const rdsCa = new CfnCertificate(this, 'RdsCa', { certificatePem: rdsCaBundlePem() });
    const source = new CfnEndpoint(this, 'Source', {
      endpointType: 'source',
      engineName: 'postgres',
      databaseName: config.databaseName,
      sslMode: 'verify-full',
      certificateArn: rdsCa.ref,
      postgreSqlSettings: {
        secretsManagerSecretId: database.cdcSecret.secretArn,
        secretsManagerAccessRoleArn: secretsRole.roleArn,
        pluginName: 'test_decoding',
        // Like Debezium's heartbeat: an idle slot still confirms a fresh LSN (minutes; 1 is the minimum).
        heartbeatEnable: true,
        heartbeatFrequency: 1,
        heartbeatSchema: 'cdc',
      },
    });

    const capture = (captureId: string, table: string, partitionKey: string, stream: IStream) => {
      const target = new CfnEndpoint(this, `${captureId}Target`, {
        endpointType: 'target',
        engineName: 'kinesis',
        kinesisSettings: {
          streamArn: stream.streamArn,
          serviceAccessRoleArn: kinesisRole.roleArn,
          messageFormat: 'json-unformatted',
          partitionIncludeSchemaTable: false,
        },
      });
      new CfnReplicationTask(this, captureId, {
        replicationTaskIdentifier:
          `${Names.uniqueResourceName(this, { maxLength: 50, separator: '-' })}-${captureId}`.toLowerCase(),
        migrationType: 'cdc',
        replicationInstanceArn: instance.ref,
        sourceEndpointArn: source.ref,
        targetEndpointArn: target.ref,
        tableMappings: JSON.stringify({
          rules: [
            {
              'rule-type': 'selection',
              'rule-id': '1',
              'rule-name': 'include',
              'object-locator': { 'schema-name': 'public', 'table-name': table },
              'rule-action': 'include',
            },
            {
              // Same per-key ordering as Debezium: partition key = the order id.
              'rule-type': 'object-mapping',
              'rule-id': '2',
              'rule-name': 'partition-key',
              'rule-action': 'map-record-to-record',
              'object-locator': { 'schema-name': 'public', 'table-name': table },
              'mapping-parameters': {
                'partition-key-type': 'attribute-name',
                'partition-key-name': partitionKey,
              },
            },
          ],
        }),
        // Task logs in CloudWatch: where a stalled or failing CDC task says why.
        replicationTaskSettings: JSON.stringify({ Logging: { EnableLogging: true } }),
      });
    };
    capture('Outbox', 'outbox', 'aggregate_id', props.orderEvents);
    capture('Orders', 'orders', 'id', props.orderChanges);
  }
}
