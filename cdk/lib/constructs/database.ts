import { Validations } from 'aws-cdk-lib';
import type { Connections, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { config } from '../config.ts';

/** Which Postgres the stack runs on. `rds`: RDS for PostgreSQL behind RDS Proxy; `aurora`: Aurora Serverless v2 with the Data API. */
export type DatabaseKind = 'rds' | 'aurora';

/** Login roles created by `sql/migrations/0001_roles.sql`; their passwords live in Secrets Manager. */
export const APP_USER = 'holdline_app';
export const CDC_USER = 'holdline_cdc';

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
  /** Network access to the writer, for the CDC task. */
  readonly connections: Connections;
  /** Where a function that queries Postgres must run (the VPC for RDS Proxy; nowhere special for the Data API). */
  readonly functionPlacement: { vpc?: IVpc; vpcSubnets?: SubnetSelection };
  /** Gives a function the `DB_*` environment its SQL client reads, plus the grants and network path it needs. */
  connectFunction(fn: LambdaFunction): void;
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
