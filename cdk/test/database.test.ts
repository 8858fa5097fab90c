import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseLoginOf } from '../../localstack/cloud/database-logins.ts';
import { dbMasterUser, dbRoleNames, dbRoles } from '../../sql/roles.ts';
import { config } from '../lib/config.ts';
import type { CfnTemplate } from '../lib/template.ts';
import { functionByEntry, holdlineTemplate, only, referencedId } from './template.ts';

/** Which login each function that queries Postgres signs in as (sql/roles.ts, migration 0060). */
const LOGIN_BY_ENTRY: Record<string, string> = {
  'lambdas/api/handler.ts': dbRoles.app,
  'lambdas/consumers/payment/handler.ts': dbRoles.consumer,
  'lambdas/reconcile/handler.ts': dbRoles.consumer,
  'lambdas/slot-monitor/handler.ts': dbRoles.monitor,
  'lambdas/outbox-reaper/handler.ts': dbRoles.reaper,
};

/** Each SQL function signs in with its own job's login, and may read only that login's secret. */
function expectOwnLogins(template: Template): void {
  const json = template.toJSON() as CfnTemplate;
  for (const [entry, login] of Object.entries(LOGIN_BY_ENTRY)) {
    const [id, fn] = functionByEntry(template, entry);
    expect([entry, databaseLoginOf(json, id)]).toEqual([entry, login]);
    const roleId = referencedId(fn.Properties.Role);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as unknown[]).some((r) => referencedId(r) === roleId),
    );
    const secretReads = policies
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(secretReads.map((s) => referencedId(s.Resource))).toEqual([
      referencedId(fn.Properties.Environment.Variables.DB_SECRET_ARN),
    ]);
  }
}

const REPLICATION_PARAMETERS = {
  'rds.logical_replication': '1',
  max_slot_wal_keep_size: '1024',
  wal_sender_timeout: '60000',
};

describe('RDS for PostgreSQL (default)', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  it('runs PostgreSQL 17 with logical replication, a capped slot and TLS only', () => {
    const [, instance] = only(template, 'AWS::RDS::DBInstance', () => true);
    expect(instance.Properties).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '17.9',
      StorageEncrypted: true,
    });
    const [, group] = only(
      template,
      'AWS::RDS::DBParameterGroup',
      (g) => g.Properties.Family === 'postgres17',
    );
    expect(referencedId(instance.Properties.DBParameterGroupName)).toBe(
      only(template, 'AWS::RDS::DBParameterGroup', () => true)[0],
    );
    expect(group.Properties.Parameters).toEqual({ ...REPLICATION_PARAMETERS, 'rds.force_ssl': '1' });
  });

  // cdk-nag's RDS3 (no Multi-AZ) is acknowledged only with multiAz=false (cdk/test/nag.test.ts synthesizes both).
  it('survives the loss of an Availability Zone by default: Multi-AZ', () => {
    const [, instance] = only(template, 'AWS::RDS::DBInstance', () => true);
    expect(config.databaseMultiAz).toBe(true);
    expect(instance.Properties.MultiAZ).toBe(true);
  });

  it('runs Single-AZ only where the deployer opts out (a sandbox: context multiAz=false)', () => {
    const sandbox = holdlineTemplate({ multiAz: 'false' });
    const [, instance] = only(sandbox, 'AWS::RDS::DBInstance', () => true);
    expect(instance.Properties.MultiAZ).toBe(false);
  });

  it('puts RDS Proxy with TLS in front of the database for the Lambdas, signing in as each of their logins', () => {
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
    });
    const [, proxy] = only(template, 'AWS::RDS::DBProxy', () => true);
    const proxied = (proxy.Properties.Auth as { SecretArn: unknown }[]).map((a) => referencedId(a.SecretArn));
    const functionSecrets = Object.keys(LOGIN_BY_ENTRY).map((entry) =>
      referencedId(functionByEntry(template, entry)[1].Properties.Environment.Variables.DB_SECRET_ARN),
    );
    expect(new Set(proxied)).toEqual(new Set(functionSecrets));
    // The proxy never signs in as the CDC role: replication does not go through it.
    expect(proxied.some((id) => id?.startsWith('DatabaseCdcSecret'))).toBe(false);
    const [proxyId] = only(template, 'AWS::RDS::DBProxy', () => true);
    expect(
      functionByEntry(template, 'lambdas/api/handler.ts')[1].Properties.Environment.Variables.DB_HOST,
    ).toEqual({
      'Fn::GetAtt': [proxyId, 'Endpoint'],
    });
  });

  it('signs the API, the consumers, the slot monitor and the reaper in as different logins', () => {
    expectOwnLogins(template);
  });

  it('gives the admin and every login role its own generated secret', () => {
    for (const user of [dbMasterUser, ...dbRoleNames]) {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: Match.stringLikeRegexp(`"username":"${user}"`),
        }),
      });
    }
  });
});

describe('Aurora Serverless v2 variant', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate({ database: 'aurora' });
  });

  it('sets the replication parameters on a DB cluster parameter group', () => {
    const [groupId, group] = only(template, 'AWS::RDS::DBClusterParameterGroup', () => true);
    expect(group.Properties).toMatchObject({
      Family: 'aurora-postgresql17',
      Parameters: REPLICATION_PARAMETERS,
    });
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EnableHttpEndpoint: true,
      DBClusterParameterGroupName: { Ref: groupId },
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
    });
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.resourceCountIs('AWS::RDS::DBProxy', 0);
  });

  it('points the SQL functions at the Data API and keeps them out of the VPC', () => {
    const [clusterId] = only(template, 'AWS::RDS::DBCluster', () => true);
    for (const entry of ['lambdas/api/handler.ts', 'lambdas/consumers/payment/handler.ts']) {
      const [, fn] = functionByEntry(template, entry);
      expect(fn.Properties.Environment.Variables).toMatchObject({
        DB_DRIVER: 'data-api',
        DB_NAME: 'holdline',
        DB_CLUSTER_ARN: expect.anything(),
        DB_SECRET_ARN: expect.anything(),
      });
      expect(JSON.stringify(fn.Properties.Environment.Variables.DB_CLUSTER_ARN)).toContain(clusterId);
      expect(fn.Properties.Environment.Variables.DB_HOST).toBeUndefined();
      expect(fn.Properties.VpcConfig).toBeUndefined();
    }
  });

  it('signs the API, the consumers, the slot monitor and the reaper in as different logins', () => {
    expectOwnLogins(template);
  });

  it('grants the Data API statements on the cluster and reads only the app secret, not the admin secret', () => {
    const [clusterId] = only(template, 'AWS::RDS::DBCluster', () => true);
    const [, api] = functionByEntry(template, 'lambdas/api/handler.ts');
    const roleId = referencedId(api.Properties.Role);
    const [, policy] = only(template, 'AWS::IAM::Policy', (p) => p.Properties.Roles[0].Ref === roleId);
    const statements: { Action: string | string[]; Resource: unknown }[] =
      policy.Properties.PolicyDocument.Statement;
    const dataApi = statements.find((s) => [s.Action].flat().includes('rds-data:ExecuteStatement'));
    expect(JSON.stringify(dataApi?.Resource)).toContain(clusterId);
    const secretReads = statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(secretReads.map((s) => referencedId(s.Resource))).toEqual([
      referencedId(api.Properties.Environment.Variables.DB_SECRET_ARN),
    ]);
    expect(referencedId(api.Properties.Environment.Variables.DB_SECRET_ARN)).toMatch(
      /^DatabaseAppSecretAttachment/,
    );
  });

  it('still captures with Debezium, from the cluster endpoint', () => {
    const [clusterId] = only(template, 'AWS::RDS::DBCluster', () => true);
    // outbox, orders and change-rules connectors
    template.resourceCountIs('AWS::ECS::TaskDefinition', 3);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([
            {
              Name: 'DEBEZIUM_SOURCE_DATABASE_HOSTNAME',
              Value: { 'Fn::GetAtt': [clusterId, 'Endpoint.Address'] },
            },
          ]),
        }),
      ],
    });
  });
});

describe('DMS variant', () => {
  it.each([[{ cdc: 'dms' }], [{ cdc: 'dms', database: 'aurora' }]])('synthesizes with %j', (context) => {
    const template = holdlineTemplate(context);
    template.resourceCountIs('AWS::ECS::TaskDefinition', 0);
    template.resourceCountIs('AWS::DMS::ReplicationTask', 2);
    template.resourcePropertiesCountIs('AWS::DMS::ReplicationTask', { MigrationType: 'cdc' }, 2);
    template.hasResourceProperties('AWS::DMS::ReplicationInstance', {
      ReplicationInstanceClass: 'dms.t3.micro',
      PubliclyAccessible: false,
    });
    // Isolated subnets, no NAT: DMS reaches Kinesis through an interface endpoint.
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoints.map((e) => JSON.stringify(e.Properties.ServiceName)).join()).toContain(
      '.kinesis-streams',
    );
    // Partitioned by order id, like Debezium, so per-order order survives into Kinesis.
    for (const [table, key] of [
      ['outbox', 'aggregate_id'],
      ['orders', 'id'],
    ])
      template.hasResourceProperties('AWS::DMS::ReplicationTask', {
        TableMappings: Match.stringLikeRegexp(`"table-name":"${table}".*"partition-key-name":"${key}"`),
      });
    template.hasResourceProperties('AWS::DMS::Endpoint', {
      EndpointType: 'source',
      EngineName: 'postgres',
      PostgreSqlSettings: Match.objectLike({ HeartbeatEnable: true }),
      // The writer's certificate checked against the RDS CAs imported into DMS (not sslmode=require).
      SslMode: 'verify-full',
      CertificateArn: Match.objectLike({ Ref: Match.stringLikeRegexp('RdsCa') }),
    });
    template.hasResourceProperties('AWS::DMS::Certificate', {
      CertificatePem: Match.stringLikeRegexp('BEGIN CERTIFICATE'),
    });
    template.resourcePropertiesCountIs(
      'AWS::DMS::Endpoint',
      { EndpointType: 'target', EngineName: 'kinesis' },
      2,
    );
  });
});

describe('context', () => {
  it('rejects an unknown database or cdc variant', () => {
    expect(() => holdlineTemplate({ database: 'mysql' })).toThrow(/database=mysql/);
    expect(() => holdlineTemplate({ cdc: 'kafka' })).toThrow(/cdc=kafka/);
  });

  it('takes the payment gateway URL from context', () => {
    const template = holdlineTemplate({ paymentGatewayUrl: 'https://psp.test' });
    const [, fn] = functionByEntry(template, 'lambdas/consumers/payment/handler.ts');
    expect(fn.Properties.Environment.Variables.PAYMENT_GATEWAY_URL).toBe('https://psp.test');
  });
});
