import { Duration, Validations } from 'aws-cdk-lib';
import { InstanceClass, InstanceSize, InstanceType, Port } from 'aws-cdk-lib/aws-ec2';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Credentials,
  DatabaseInstance,
  DatabaseInstanceEngine,
  type DatabaseProxy,
  ParameterGroup,
  PostgresEngineVersion,
  StorageType,
} from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DbRole } from '../../../sql/roles.ts';
import { config } from '../config.ts';
import {
  acknowledgeSandboxDatabase,
  type FunctionDbRole,
  functionDbRoles,
  type HoldlineDatabase,
  loginSecrets,
  replicationParameters,
} from './database.ts';
import type { Network } from './network.ts';

export interface RdsPostgresOptions {
  /** A standby in a second Availability Zone. Default `config.databaseMultiAz` (true); a sandbox may opt out. */
  multiAz?: boolean;
}

/**
 * RDS for PostgreSQL with logical replication on and a capped slot, an RDS Proxy for the Lambdas, and one
 * Secrets Manager secret per login role (the admin, and each role of sql/roles.ts).
 */
export class RdsPostgres extends Construct implements HoldlineDatabase {
  readonly kind = 'rds' as const;
  readonly instance: DatabaseInstance;
  readonly proxy: DatabaseProxy;
  readonly appSecret: ISecret;
  readonly cdcSecret: ISecret;
  readonly secrets: Readonly<Record<DbRole, ISecret>>;
  readonly writerHost: string;
  readonly writerPort: string;
  readonly functionPlacement: HoldlineDatabase['functionPlacement'];

  constructor(scope: Construct, id: string, network: Network, options: RdsPostgresOptions = {}) {
    super(scope, id);
    const multiAz = options.multiAz ?? config.databaseMultiAz;
    const engine = DatabaseInstanceEngine.postgres({
      version: PostgresEngineVersion.of(config.postgresEngineVersion, config.postgresMajorVersion),
    });
    this.instance = new DatabaseInstance(this, 'Instance', {
      engine,
      instanceType: InstanceType.of(InstanceClass.T4G, InstanceSize.MICRO),
      // config.databaseMultiAz says why. The standby is a synchronous block-level copy of the storage, so the
      // replication slot's saved state moves with a failover; Debezium re-reads from it and consumers deduplicate.
      multiAz,
      vpc: network.vpc,
      vpcSubnets: network.isolatedSubnets,
      credentials: Credentials.fromGeneratedSecret('holdline_admin'),
      databaseName: config.databaseName,
      parameterGroup: new ParameterGroup(this, 'Parameters', {
        engine,
        description: 'Holdline: logical replication with a capped slot, TLS only',
        parameters: {
          ...replicationParameters(),
          // TLS only. PostgreSQL 15+ on RDS defaults to 1 already; stated here so a family default cannot undo it.
          // Every client already connects with TLS: the Lambdas through RDS Proxy, the relay, Debezium and DMS with
          // verify-full against the RDS CAs (lambdas/shared/db/tls.ts), the migrations.
          'rds.force_ssl': '1',
        },
      }),
      allocatedStorage: 20,
      storageType: StorageType.GP3,
      // Headroom for WAL pinned by a slot up to max_slot_wal_keep_size, so the cap (not the disk) stops it.
      maxAllocatedStorage: 100,
      storageEncrypted: true,
      backupRetention: Duration.days(7),
      cloudwatchLogsExports: ['postgresql'],
    });
    this.writerHost = this.instance.dbInstanceEndpointAddress;
    this.writerPort = this.instance.dbInstanceEndpointPort;

    this.secrets = loginSecrets(this, this.instance);
    this.appSecret = this.secrets.app;
    this.cdcSecret = this.secrets.cdc;

    // Lambdas connect through the proxy: it pools connections, so a burst of cold starts cannot exhaust
    // max_connections on a small instance and starve the replication connection. It signs in as any of the
    // functions' logins; each function reads only its own login's secret.
    this.proxy = this.instance.addProxy('Proxy', {
      secrets: functionDbRoles.map((role) => this.secrets[role]),
      vpc: network.vpc,
      vpcSubnets: network.isolatedSubnets,
      requireTLS: true,
    });
    this.functionPlacement = { vpc: network.vpc, vpcSubnets: network.functionSubnets };

    acknowledgeSandboxDatabase(this, this.instance);
    const ack = (rule: string, reason: string) =>
      Validations.of(this.instance).acknowledge({ id: `AwsSolutions-${rule}`, reason });
    if (!multiAz)
      ack(
        'RDS3',
        'Single-AZ only where the deployer opted out (context multiAz=false, a sandbox): Multi-AZ doubles the ' +
          'instance and storage bill (docs/deploy.md). The default, config.databaseMultiAz, is Multi-AZ.',
      );
    ack(
      'RDS11',
      'The default port is not a secret: the security group admits only RDS Proxy and the CDC task (or DMS), and ' +
        'the database sits in isolated subnets.',
    );
  }

  get connections() {
    return this.instance.connections;
  }

  connectFunction(fn: LambdaFunction, role: FunctionDbRole): void {
    const secret = this.secrets[role];
    fn.addEnvironment('DB_DRIVER', 'pg');
    fn.addEnvironment('DB_SECRET_ARN', secret.secretArn);
    fn.addEnvironment('DB_HOST', this.proxy.endpoint);
    fn.addEnvironment('DB_NAME', config.databaseName);
    secret.grantRead(fn);
    // The proxy's security group has no default port; RDS Proxy for PostgreSQL listens on 5432.
    this.proxy.connections.allowFrom(fn, Port.tcp(5432), 'Lambda to RDS Proxy');
  }
}
