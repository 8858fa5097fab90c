import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEBEZIUM_RDS_CA_PATH,
  DEBEZIUM_VERSION,
  DEBEZIUM_VERSION_LABEL,
} from '../lib/constructs/debezium-task.ts';
import { DEBEZIUM_SECRET_PROPERTIES, environmentName, fromEnvironment } from '../lib/debezium-config.ts';
import { holdlineTemplate, only, type Resource, referencedId, resourcesOf } from './template.ts';

describe('Debezium Server on Fargate', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  /** The task definition of the connector with this topic prefix, and its container. */
  function connector(name: string) {
    const [taskId, task] = only(template, 'AWS::ECS::TaskDefinition', (r: Resource) =>
      r.Properties.ContainerDefinitions[0].Environment.some(
        (e: { Name: string; Value: unknown }) =>
          e.Name === 'DEBEZIUM_SOURCE_TOPIC_PREFIX' && e.Value === name,
      ),
    );
    const container = task.Properties.ContainerDefinitions[0];
    const environment = Object.fromEntries(
      container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]),
    );
    // Token values stay CloudFormation objects; the properties view keeps them as they are.
    return { taskId, task, container, properties: fromEnvironment(environment) as Record<string, unknown> };
  }

  const outputTarget = (outputId: string) => referencedId(template.toJSON().Outputs[outputId].Value);

  it('runs Debezium Server from our image asset, labelled with the pinned release, in a container named debezium', () => {
    for (const name of ['holdline_outbox', 'holdline_orders']) {
      const { container } = connector(name);
      expect(container).toMatchObject({
        Name: 'debezium',
        Essential: true,
        DockerLabels: { [DEBEZIUM_VERSION_LABEL]: DEBEZIUM_VERSION },
      });
      // The bootstrap ECR repository of image assets, not a public registry.
      expect(JSON.stringify(container.Image)).toContain('cdk-hnb659fds-container-assets');
    }
  });

  it('configures the outbox connector with pgoutput, the outbox router and envelope placement', () => {
    const { properties } = connector('holdline_outbox');
    expect(properties).toMatchObject({
      'debezium.source.plugin.name': 'pgoutput',
      'debezium.source.slot.name': 'holdline_outbox',
      'debezium.source.publication.name': 'holdline_outbox',
      'debezium.source.publication.autocreate.mode': 'disabled',
      'debezium.source.snapshot.mode': 'when_needed',
      'debezium.transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
      'debezium.transforms.outbox.table.field.event.key': 'aggregate_id',
      'debezium.transforms.outbox.table.field.event.id': 'event_id',
    });
    expect(properties['debezium.transforms.outbox.table.fields.additional.placement']).toContain(
      'event_id:envelope:eventId',
    );
    expect(referencedId(properties['debezium.transforms.outbox.route.topic.replacement'])).toBe(
      outputTarget('OrderEventsStreamName'),
    );
  });

  it('captures the orders table into the OrderChanges stream on its own slot', () => {
    const { properties } = connector('holdline_orders');
    expect(properties).toMatchObject({
      'debezium.source.slot.name': 'holdline_orders',
      'debezium.source.publication.name': 'holdline_orders',
      'debezium.source.table.include.list': 'public.orders',
    });
    expect(referencedId(properties['debezium.transforms.route.replacement'])).toBe(
      outputTarget('OrderChangesStreamName'),
    );
  });

  it('lets only the orders connector take snapshot signals, and keeps signal rows out of its stream', () => {
    const { properties } = connector('holdline_orders');
    expect(properties).toMatchObject({
      'debezium.source.signal.data.collection': 'public.debezium_signal',
      'debezium.transforms': 'dropsignals,key,route',
      'debezium.transforms.dropsignals.type': 'org.apache.kafka.connect.transforms.Filter',
      'debezium.transforms.dropsignals.predicate': 'signaltable',
    });
    const signalTopic = new RegExp(`^${properties['debezium.predicates.signaltable.pattern']}$`);
    expect(signalTopic.test('holdline_orders.public.debezium_signal')).toBe(true);
    expect(signalTopic.test('holdline_orders.public.orders')).toBe(false);
    expect(connector('holdline_outbox').properties).not.toHaveProperty(
      'debezium.source.signal.data.collection',
    );
  });

  it('keeps offsets in Postgres and heartbeats through the database', () => {
    for (const name of ['holdline_outbox', 'holdline_orders']) {
      const { properties } = connector(name);
      expect(properties['debezium.source.offset.storage']).toBe(
        'io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore',
      );
      expect(JSON.stringify(properties['debezium.source.offset.storage.jdbc.connection.url'])).toContain(
        '/holdline?sslmode=verify-full&sslrootcert=/debezium/rds-ca-bundle.pem&currentSchema=cdc',
      );
      // The replication connection too: the writer's certificate, checked against the RDS CAs in the image.
      expect(properties['debezium.source.database.sslmode']).toBe('verify-full');
      expect(properties['debezium.source.database.sslrootcert']).toBe(DEBEZIUM_RDS_CA_PATH);
      expect(properties['debezium.source.heartbeat.interval.ms']).toBe('10000');
      // 10 ms, not Debezium's 500 ms default: the latency a customer waits for (cdc-latency and relay-ab benches).
      expect(properties['debezium.source.poll.interval.ms']).toBe('10');
      expect(properties['debezium.source.heartbeat.action.query']).toContain('public.debezium_heartbeat');
    }
  });

  it('connects to the database instance itself, not to RDS Proxy', () => {
    const { properties } = connector('holdline_outbox');
    const [instanceId] = only(template, 'AWS::RDS::DBInstance', () => true);
    expect(properties['debezium.source.database.hostname']).toEqual({
      'Fn::GetAtt': [instanceId, 'Endpoint.Address'],
    });
    expect(properties['debezium.sink.kinesis.region']).toEqual({ Ref: 'AWS::Region' });
  });

  it('injects database credentials from the CDC secret, never as plain environment', () => {
    const { container } = connector('holdline_outbox');
    const secretNames = Object.keys(DEBEZIUM_SECRET_PROPERTIES).map(environmentName);
    expect(container.Secrets.map((s: { Name: string }) => s.Name).sort()).toEqual(secretNames.sort());
    for (const env of container.Environment) expect(secretNames).not.toContain(env.Name);
    const secretId = referencedId(container.Secrets[0].ValueFrom['Fn::Join'][1][0]);
    const attachment = resourcesOf(template, 'AWS::SecretsManager::SecretTargetAttachment')[secretId!];
    const secret = resourcesOf(template, 'AWS::SecretsManager::Secret')[
      referencedId(attachment?.Properties.SecretId)!
    ];
    expect(secret?.Properties.GenerateSecretString.SecretStringTemplate).toContain(
      '"username":"holdline_cdc"',
    );
  });

  it('lets each task write only its own stream', () => {
    for (const [name, output] of [
      ['holdline_outbox', 'OrderEventsStreamName'],
      ['holdline_orders', 'OrderChangesStreamName'],
    ] as const) {
      const roleId = referencedId(connector(name).task.Properties.TaskRoleArn);
      const [, policy] = only(template, 'AWS::IAM::Policy', (p) => p.Properties.Roles[0].Ref === roleId);
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'kinesis:PutRecord',
            'kinesis:PutRecords',
            'kinesis:DescribeStream',
            'kinesis:DescribeStreamSummary',
            'kinesis:ListShards',
          ],
          Resource: { 'Fn::GetAtt': [outputTarget(output), 'Arn'] },
        },
      ]);
    }
  });

  it('checks health on the Quarkus endpoint and ships logs to CloudWatch', () => {
    const { container } = connector('holdline_outbox');
    expect(container.HealthCheck.Command.join(' ')).toContain('http://localhost:8080/q/health');
    expect(container.LogConfiguration.LogDriver).toBe('awslogs');
  });

  it('runs exactly one task per connector and never two at once during a deploy', () => {
    template.resourcePropertiesCountIs(
      'AWS::ECS::Service',
      {
        DesiredCount: 1,
        LaunchType: 'FARGATE',
        DeploymentConfiguration: Match.objectLike({ MaximumPercent: 100, MinimumHealthyPercent: 0 }),
      },
      3,
    );
  });

  it('keeps every connector service at zero tasks while capture is paused for the first deploy', () => {
    const paused = holdlineTemplate({ capture: 'paused' });
    paused.resourcePropertiesCountIs('AWS::ECS::Service', { DesiredCount: 0 }, 3);
    paused.resourcePropertiesCountIs('AWS::ECS::Service', { DesiredCount: 1 }, 0);
  });

  it('opens the database port to both Debezium services', () => {
    const [, instance] = only(template, 'AWS::RDS::DBInstance', () => true);
    const dbGroupId = referencedId(instance.Properties.VPCSecurityGroups[0]);
    const services = Object.values(resourcesOf(template, 'AWS::ECS::Service'));
    for (const service of services) {
      const serviceGroupId = referencedId(
        service.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0],
      );
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [dbGroupId, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [serviceGroupId, 'GroupId'] },
      });
    }
  });
});
