import { Validations } from 'aws-cdk-lib';
import type { Connections, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { DatabaseSecret, type IDatabaseCluster, type IDatabaseInstance } from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IConstruct } from 'constructs';
import { type DbRole, dbRoles } from '../../../sql/roles.ts';
import { config } from '../config.ts';

/** Which Postgres the stack runs on. `rds`: RDS for PostgreSQL behind RDS Proxy; `aurora`: Aurora Serverless v2 with the Data API. */
export type DatabaseKind = 'rds' | 'aurora';

/** The logins a Lambda connects as (sql/roles.ts): each function names the one its job needs. */
export type FunctionDbRole = Exclude<DbRole, 'cdc'>;
export const functionDbRoles: readonly FunctionDbRole[] = ['app', 'consumer', 'monitor', 'reaper'];

/**
 * Construct ids of the login secrets (their attachments' logical ids start with `Database<id>Attachment`, which is
 * how docs/deploy.md finds them); `AppSecret` and `CdcSecret` keep the ids deployed stacks already have.
 */
export const loginSecretIds: Readonly<Record<DbRole, string>> = {
  app: 'AppSecret',
  consumer: 'ConsumerSecret',
  monitor: 'MonitorSecret',
  reaper: 'ReaperSecret',
  cdc: 'CdcSecret',
};

/**
 * One generated Secrets Manager secret per login role of sql/roles.ts, attached to the instance or cluster (so it
 * carries host and port). Passwords reach Postgres through `npm run set-role-password` (docs/deploy.md).
 */
export function loginSecrets(
  scope: Construct,
  target: IDatabaseInstance | IDatabaseCluster,
): Record<DbRole, ISecret> {
  const entries = (Object.keys(dbRoles) as DbRole[]).map((role) => [
    role,
    new DatabaseSecret(scope, loginSecretIds[role], {
      username: dbRoles[role],
      dbname: config.databaseName,
    }).attach(target),
  ]);
  return Object.fromEntries(entries) as Record<DbRole, ISecret>;
}

/** What the rest of the stack needs from either database variant. */
export interface HoldlineDatabase {
  readonly kind: DatabaseKind;
  /** Writer endpoint for CDC. Never the proxy: RDS Proxy does not carry the replication protocol. */
  readonly writerHost: string;
  readonly writerPort: string;
  /** Login of the replication role (`holdline_cdc`), fields `username` and `password`. */
  readonly cdcSecret: ISecret;
  /** Login of the application role (`holdline_app`), fields `username` and `password` (the polling relay's). */
  readonly appSecret: ISecret;
  /** Every login's secret, by role (sql/roles.ts). */
  readonly secrets: Readonly<Record<DbRole, ISecret>>;
  /** Network access to the writer, for the CDC task. */
  readonly connections: Connections;
  /** Where a function that queries Postgres must run (the VPC for RDS Proxy; nowhere special for the Data API). */
  readonly functionPlacement: { vpc?: IVpc; vpcSubnets?: SubnetSelection };
  /**
   * Gives a function the `DB_*` environment its SQL client reads for the login `role` (its secret), plus the
   * grants and network path it needs. A function reads only its own login's secret.
   */
  connectFunction(fn: LambdaFunction, role: FunctionDbRole): void;
}

/**
 * Server parameters both variants set. `rds.logical_replication=1` turns on `wal_level=logical` (static:
 * applied at creation or after a reboot). The slot cap and sender timeout are what `cdk/lib/config.ts`
 * documents; the local server mirrors them.
 */
export function replicationParameters(): Record<string, string> {
  return {
    'rds.logical_replication': '1',
    // RDS takes this one in MB.
    max_slot_wal_keep_size: String(config.maxSlotWalKeepSizeMb),
    // RDS takes this one in milliseconds.
    wal_sender_timeout: String(config.walSenderTimeout.toMilliseconds()),
  };
}

/**
 * The cdk-nag acknowledgments both database variants share: their secrets (on `scope`) and the sandbox's
 * teardown (on `database`, the instance or cluster).
 */
export function acknowledgeSandboxDatabase(scope: IConstruct, database: IConstruct): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'No automatic rotation: a rotation Lambda needs its own network path to the database, and Debezium reads ' +
      'the holdline_cdc password once at start, so a rotation would break capture until the task restarts. ' +
      'docs/deploy.md describes rotating by hand (rotate, then force a new Debezium deployment).',
  });
  Validations.of(database).acknowledge({
    id: 'AwsSolutions-RDS10',
    reason:
      'No deletion protection so `cdk destroy` can tear the sandbox down; the removal policy (snapshot, the CDK ' +
      'default) still keeps a final snapshot.',
  });
}
