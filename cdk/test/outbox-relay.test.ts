import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { outboxReaperSettings } from '../lib/constructs/outbox-reaper.ts';
import { pollingRelaySettings, RELAY_CONTAINER } from '../lib/constructs/polling-relay-service.ts';
import {
  functionByEntry,
  holdlineTemplate,
  only,
  type Resource,
  referencedId,
  resourcesOf,
} from './template.ts';

const topicPrefixes = (template: Template) =>
  Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition')).flatMap((r) =>
    r.Properties.ContainerDefinitions.flatMap(
      (c: { Environment?: Array<{ Name: string; Value: unknown }> }) =>
        (c.Environment ?? []).filter((e) => e.Name === 'DEBEZIUM_SOURCE_TOPIC_PREFIX').map((e) => e.Value),
    ),
  );

describe('outbox reaper', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  it('runs the reaper Lambda on an hourly schedule with the retention and lock wait from its settings', () => {
    const [fnId, fn] = functionByEntry(template, 'lambdas/outbox-reaper/handler.ts');
    expect(fn.Properties.Environment.Variables).toMatchObject({
      OUTBOX_RETENTION_DAYS: String(outboxReaperSettings.retentionDays),
      OUTBOX_REAP_LOCK_WAIT_MS: String(outboxReaperSettings.lockWaitMs),
      DB_DRIVER: 'pg',
    });
    const [, rule] = only(template, 'AWS::Events::Rule', (r: Resource) =>
      r.Properties.Targets?.some((t: { Arn: unknown }) => referencedId(t.Arn) === fnId),
    );
    expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: Match.objectLike({ 'Fn::GetAtt': [fnId, 'Arn'] }),
    });
  });
});

describe('relay selection (context relay)', () => {
  it('by default delivers the outbox with Debezium and runs no polling relay', () => {
    const template = holdlineTemplate();
    expect(topicPrefixes(template)).toEqual(expect.arrayContaining(['holdline_outbox', 'holdline_orders']));
    const relays = Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition')).filter((r) =>
      r.Properties.ContainerDefinitions.some((c: { Name: string }) => c.Name === RELAY_CONTAINER),
    );
    expect(relays).toHaveLength(0);
  });

  it('refuses the polling relay together with DMS, which delivers the outbox on its own', () => {
    expect(() => holdlineTemplate({ relay: 'polling', cdc: 'dms' })).toThrow(
      /relay=polling needs cdc=debezium/,
    );
  });

  describe('relay=polling', () => {
    let template: Template;
    beforeAll(() => {
      template = holdlineTemplate({ relay: 'polling' });
    });

    it('leaves out the Debezium outbox connector (one relay at a time) but keeps the orders and rules capture', () => {
      expect(topicPrefixes(template)).toEqual(['holdline_orders', 'holdline_rules']);
    });

    it('runs the polling relay as a Fargate service of several replicas with the app login from Secrets Manager', () => {
      const [taskId, task] = only(template, 'AWS::ECS::TaskDefinition', (r: Resource) =>
        r.Properties.ContainerDefinitions.some((c: { Name: string }) => c.Name === RELAY_CONTAINER),
      );
      const container = task.Properties.ContainerDefinitions[0];
      const env = Object.fromEntries(
        container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]),
      );
      expect(env).toMatchObject({
        RELAY_INTERVAL_MS: String(pollingRelaySettings.intervalMs),
        RELAY_MAX_AGGREGATES: String(pollingRelaySettings.maxAggregates),
        DB_NAME: 'holdline',
      });
      expect(referencedId(env.OUTBOX_STREAM_NAME)).toMatch(/^OrderEvents/);
      expect(container.Secrets.map((s: { Name: string }) => s.Name).sort()).toEqual([
        'DB_PASSWORD',
        'DB_USERNAME',
      ]);
      template.hasResourceProperties('AWS::ECS::Service', {
        TaskDefinition: { Ref: taskId },
        DesiredCount: pollingRelaySettings.replicas,
        LaunchType: 'FARGATE',
      });
    });

    it('lets the relay put records to the order-events stream and nothing else', () => {
      const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter(
        (p) =>
          p.Properties.PolicyName?.['Fn::Join'] === undefined &&
          JSON.stringify(p.Properties.Roles).includes('PollingRelayTaskTaskRole'),
      );
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
      expect(statements).toContainEqual(
        expect.objectContaining({ Action: 'kinesis:PutRecords', Effect: 'Allow' }),
      );
      for (const s of statements) expect(String(s.Action)).not.toMatch(/kinesis:(Get|Delete|\*)/);
    });
  });
});
