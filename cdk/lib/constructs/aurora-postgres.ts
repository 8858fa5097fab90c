import { Tokenization, Validations } from 'aws-cdk-lib';
import type { Connections } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import {
  AuroraPostgresEngineVersion,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
  ParameterGroup,
} from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DbRole } from '../../../sql/roles.ts';
import { config } from '../config.ts';
import {
  acknowledgeSandboxDatabase,
  type FunctionDbRole,
  type HoldlineDatabase,
  loginSecrets,
  replicationParameters,
} from './database.ts';
import type { Network } from './network.ts';

// The Data API calls the SQL client makes (lambdas/shared/db/data-api-client.ts): statements and explicit transactions.
const DATA_API_ACTIONS = [
  'rds-data:ExecuteStatement',
  'rds-data:BatchExecuteStatement',
  'rds-data:BeginTransaction',
  'rds-data:CommitTransaction',
  'rds-data:RollbackTransaction',
];

/**
 * Aurora PostgreSQL Serverless v2 with the Data API (Lambdas query over HTTPS, outside the VPC) and a DB
 * *cluster* parameter group carrying the same replication settings as the RDS variant.
 */
export class AuroraPostgres extends Construct implements HoldlineDatabase {
  readonly kind = 'aurora' as const;
  readonly cluster: DatabaseCluster;
  readonly appSecret: ISecret;
  readonly cdcSecret: ISecret;
  readonly secrets: Readonly<Record<DbRole, ISecret>>;
  readonly writerHost: string;
  readonly writerPort: string;
  // Data API clients need no VPC placement.
  readonly functionPlacement = {};

  constructor(scope: Construct, id: string, network: Network) {
    super(scope, id);
    const engine = DatabaseClusterEngine.auroraPostgres({
      version: AuroraPostgresEngineVersion.of(config.postgresEngineVersion, config.postgresMajorVersion),
    });
    this.cluster = new DatabaseCluster(this, 'Cluster', {
      engine,
      writer: ClusterInstance.serverlessV2('Writer'),
      // Never 0 ACU: auto-pause would drop the replication connection and let the slot pin WAL.
      serverlessV2MinCapacity: 0.5,
      serverlessV2MaxCapacity: 4,
      vpc: network.vpc,
      vpcSubnets: network.isolatedSubnets,
      credentials: Credentials.fromGeneratedSecret('holdline_admin'),
      defaultDatabaseName: config.databaseName,
      enableDataApi: true,
      storageEncrypted: true,
      // On a cluster this becomes an AWS::RDS::DBClusterParameterGroup, where rds.logical_replication lives.
      parameterGroup: new ParameterGroup(this, 'Parameters', {
        engine,
        description: 'Holdline: logical replication with a capped slot',
        parameters: replicationParameters(),
      }),
    });
    this.writerHost = this.cluster.clusterEndpoint.hostname;
    this.writerPort = Tokenization.stringifyNumber(this.cluster.clusterEndpoint.port);
    this.secrets = loginSecrets(this, this.cluster);
    this.appSecret = this.secrets.app;
    this.cdcSecret = this.secrets.cdc;

    acknowledgeSandboxDatabase(this, this.cluster);
    const ack = (rule: string, reason: string) =>
      Validations.of(this.cluster).acknowledge({ id: `AwsSolutions-${rule}`, reason });
    ack(
      'RDS6',
      "No IAM database authentication: the Data API signs in with the Secrets Manager secret, and Debezium's " +
        'replication connection would outlive an IAM token (15 minutes); passwords stay in Secrets Manager.',
    );
  }

  get connections(): Connections {
    return this.cluster.connections;
  }

  connectFunction(fn: LambdaFunction, role: FunctionDbRole): void {
    const secret = this.secrets[role];
    fn.addEnvironment('DB_DRIVER', 'data-api');
    fn.addEnvironment('DB_SECRET_ARN', secret.secretArn);
    fn.addEnvironment('DB_CLUSTER_ARN', this.cluster.clusterArn);
    fn.addEnvironment('DB_NAME', config.databaseName);
    // Not grantDataApiAccess(): that also grants the admin secret; the function only needs its own login.
    fn.addToRolePolicy(
      new PolicyStatement({ actions: DATA_API_ACTIONS, resources: [this.cluster.clusterArn] }),
    );
    secret.grantRead(fn);
  }
}
