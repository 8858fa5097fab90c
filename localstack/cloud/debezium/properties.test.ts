import { beforeAll, describe, expect, it } from 'vitest';
import { debeziumProperties, fromEnvironment, toEnvironment } from '../../../cdk/lib/debezium-config.ts';
import type { CfnTemplate } from '../../../cdk/lib/template.ts';
import { outboxConnectorInput } from '../../../cdk/test/debezium-inputs.ts';
import { holdlineTemplateJson } from '../../../cdk/test/template.ts';
import { DebeziumTemplateError } from './errors.ts';
import { asDebeziumServerReadsIt, LOCAL_JAVA_OPTIONS, localDebeziumConfig } from './properties.ts';
import { type DebeziumTaskContainer, debeziumTaskContainer } from './task-container.ts';

/** Enough of CloudFormation for a task environment: Ref, Fn::GetAtt, Fn::Join, with made-up values. */
function stubResolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stubResolve);
  if (typeof value !== 'object' || value === null) return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref === 'AWS::Region' ? 'eu-local-1' : `ref-${v.Ref}`;
  if (Array.isArray(v['Fn::GetAtt'])) return `${(v['Fn::GetAtt'] as string[]).join('.')}`;
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return (stubResolve(parts) as unknown[]).join(separator);
  }
  return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, stubResolve(inner)]));
}

const local = {
  databaseUrl: 'postgres://holdline_cdc:s3cr%40t@127.0.0.1:54321/holdline',
  awsEndpoint: 'http://127.0.0.1:4566',
  region: 'us-east-1',
  httpPort: 18080,
};

describe('Debezium task container from the synthesized template', () => {
  let template: CfnTemplate;
  let outbox: DebeziumTaskContainer;
  beforeAll(() => {
    template = holdlineTemplateJson();
    outbox = debeziumTaskContainer(template, 'outbox', stubResolve);
  });

  it('finds each connector by its topic prefix, with the image Fargate runs', () => {
    const orders = debeziumTaskContainer(template, 'orders', stubResolve);

    expect(outbox.environment.DEBEZIUM_SOURCE_TOPIC_PREFIX).toBe('holdline_outbox');
    expect(orders.environment.DEBEZIUM_SOURCE_TOPIC_PREFIX).toBe('holdline_orders');
    expect(outbox.taskLogicalId).not.toBe(orders.taskLogicalId);
    expect(outbox.version).toMatch(/^3\.\d+\.\d+\.Final$/);
  });

  it('resolves references in the environment, such as the stream name', () => {
    expect(outbox.environment.DEBEZIUM_TRANSFORMS_OUTBOX_ROUTE_TOPIC_REPLACEMENT).toMatch(/^ref-OrderEvents/);
    expect(outbox.environment.DEBEZIUM_SINK_KINESIS_REGION).toBe('eu-local-1');
  });

  it('reads which secret field each credential variable takes', () => {
    expect(outbox.secrets).toEqual({
      DEBEZIUM_SOURCE_DATABASE_USER: 'username',
      DEBEZIUM_SOURCE_DATABASE_PASSWORD: 'password',
      DEBEZIUM_SOURCE_OFFSET_STORAGE_JDBC_CONNECTION_USER: 'username',
      DEBEZIUM_SOURCE_OFFSET_STORAGE_JDBC_CONNECTION_PASSWORD: 'password',
    });
  });

  it('fails loudly when the template has no task for the connector', () => {
    const empty: CfnTemplate = { Resources: {} };

    expect(() => debeziumTaskContainer(empty, 'outbox', stubResolve)).toThrow(DebeziumTemplateError);
  });

  describe('local configuration', () => {
    it('overrides only the local things and keeps every other variable as the template has it', () => {
      const config = localDebeziumConfig(outbox, local);

      expect(Object.keys(config.overridden).sort()).toEqual(
        [
          'DEBEZIUM_SOURCE_DATABASE_HOSTNAME',
          'DEBEZIUM_SOURCE_DATABASE_PORT',
          'DEBEZIUM_SOURCE_DATABASE_SSLMODE',
          'DEBEZIUM_SOURCE_DATABASE_SSLROOTCERT',
          'DEBEZIUM_SOURCE_OFFSET_STORAGE_JDBC_CONNECTION_URL',
          'DEBEZIUM_SINK_KINESIS_REGION',
          'DEBEZIUM_SINK_KINESIS_ENDPOINT',
          'QUARKUS_HTTP_PORT',
          'DEBEZIUM_SOURCE_DATABASE_USER',
          'DEBEZIUM_SOURCE_DATABASE_PASSWORD',
          'DEBEZIUM_SOURCE_OFFSET_STORAGE_JDBC_CONNECTION_USER',
          'DEBEZIUM_SOURCE_OFFSET_STORAGE_JDBC_CONNECTION_PASSWORD',
          'JAVA_OPTS',
        ].sort(),
      );
      for (const [name, value] of Object.entries(outbox.environment))
        if (!(name in config.overridden)) expect(config.environment[name], name).toBe(value);
      // The RDS CA bundle path exists only in the Fargate image; TLS is off locally.
      expect(config.environment.DEBEZIUM_SOURCE_DATABASE_SSLROOTCERT).toBeUndefined();
    });

    it('points the connector and its offset store at the local server, without TLS, keeping the schema', () => {
      const { environment: env } = localDebeziumConfig(outbox, local);

      expect(env.DEBEZIUM_SOURCE_DATABASE_HOSTNAME).toBe('127.0.0.1');
      expect(env.DEBEZIUM_SOURCE_DATABASE_PORT).toBe('54321');
      expect(env.DEBEZIUM_SOURCE_DATABASE_SSLMODE).toBe('disable');
      expect(env.DEBEZIUM_SOURCE_OFFSET_STORAGE_JDBC_CONNECTION_URL).toBe(
        'jdbc:postgresql://127.0.0.1:54321/holdline?sslmode=disable&currentSchema=cdc',
      );
      expect(env.DEBEZIUM_SINK_KINESIS_ENDPOINT).toBe('http://127.0.0.1:4566');
      expect(env.QUARKUS_HTTP_PORT).toBe('18080');
    });

    it('fills the secrets from the CDC URL, decoded, and masks passwords in the override list', () => {
      const config = localDebeziumConfig(outbox, local);

      expect(config.environment.DEBEZIUM_SOURCE_DATABASE_USER).toBe('holdline_cdc');
      expect(config.environment.DEBEZIUM_SOURCE_OFFSET_STORAGE_JDBC_CONNECTION_PASSWORD).toBe('s3cr@t');
      expect(config.overridden.DEBEZIUM_SOURCE_DATABASE_PASSWORD).toBe('***');
    });

    it("keeps the task's JAVA_OPTS and appends the local heap cap, so the cap wins", () => {
      const { javaOptions } = localDebeziumConfig(outbox, local);

      expect(javaOptions).toEqual([
        ...(outbox.environment.JAVA_OPTS ?? '').split(' '),
        ...LOCAL_JAVA_OPTIONS,
      ]);
    });

    it('rejects a local database other than the one the template reads', () => {
      const other = { ...local, databaseUrl: 'postgres://u:p@127.0.0.1:5432/elsewhere' };

      expect(() => localDebeziumConfig(outbox, other)).toThrow(/database "holdline".*"elsewhere"/);
    });

    it('rejects a template that already sets a variable the local cloud adds', () => {
      const withEndpoint = {
        ...outbox,
        environment: { ...outbox.environment, DEBEZIUM_SINK_KINESIS_ENDPOINT: 'https://kinesis.example' },
      };

      expect(() => localDebeziumConfig(withEndpoint, local)).toThrow(DebeziumTemplateError);
    });
  });
});

describe('environment → properties, the way Debezium Server 3.6 reads it', () => {
  it('round-trips every property the CDK helper emits, for both routings', () => {
    for (const routing of [{ kind: 'outbox' }, { kind: 'table', keyColumn: 'id' }] as const) {
      const properties = debeziumProperties({ ...outboxConnectorInput, routing });

      expect(asDebeziumServerReadsIt(toEnvironment(properties))).toEqual(properties);
    }
  });

  it('agrees with the CDK helper fromEnvironment and ignores variables that are not configuration', () => {
    const environment = {
      DEBEZIUM_SINK_TYPE: 'kinesis',
      QUARKUS_HTTP_PORT: '8080',
      JAVA_OPTS: '-Xmx1g',
      PATH: '/bin',
    };

    expect(asDebeziumServerReadsIt(environment)).toEqual(fromEnvironment(environment));
    expect(asDebeziumServerReadsIt(environment)).toEqual({
      'debezium.sink.type': 'kinesis',
      'quarkus.http.port': '8080',
    });
  });
});
