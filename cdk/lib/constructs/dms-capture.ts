import { Names, Stack } from 'aws-cdk-lib';
import { CfnEndpoint, CfnReplicationConfig, CfnReplicationSubnetGroup } from 'aws-cdk-lib/aws-dms';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { config } from '../config.ts';
import type { HoldlineDatabase } from './database.ts';
import type { Network } from './network.ts';

export interface DmsCaptureProps {
  network: Network;
  database: HoldlineDatabase;
  orderEvents: IStream;
  orderChanges: IStream;
}

/**
 * MINIMAL alternative to Debezium: DMS Serverless CDC from the two tables into the two streams. It
 * synthesizes and names what matters (heartbeat, partition key) but is not yet complete: DMS has no outbox
 * router, so records arrive in DMS's own JSON shape, it creates its own `test_decoding` slots (not the
 * pgoutput publications), and the account needs the `dms-vpc-role` DMS expects.
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
    database.connections.allowDefaultPortFrom(securityGroup, 'DMS to Postgres');

    const source = new CfnEndpoint(this, 'Source', {
      endpointType: 'source',
      engineName: 'postgres',
      databaseName: config.databaseName,
      sslMode: 'require',
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
      new CfnReplicationConfig(this, captureId, {
        replicationConfigIdentifier: `${Names.uniqueResourceName(this, { maxLength: 50, separator: '-' })}-${captureId}`,
        replicationType: 'cdc',
        sourceEndpointArn: source.ref,
        targetEndpointArn: target.ref,
        computeConfig: {
          minCapacityUnits: 1,
          maxCapacityUnits: 2,
          replicationSubnetGroupId: subnets.ref,
          vpcSecurityGroupIds: [securityGroup.securityGroupId],
        },
        tableMappings: {
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
        },
      });
    };
    capture('Outbox', 'outbox', 'aggregate_id', props.orderEvents);
    capture('Orders', 'orders', 'id', props.orderChanges);
  }
}
