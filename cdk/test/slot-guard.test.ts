import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaugeDefinitions } from '../../lambdas/oncall/gauges.ts';
import { alarmThresholds as t } from '../lib/alarm-thresholds.ts';
import { config } from '../lib/config.ts';
import { ENTRY_RUNBOOK } from '../lib/constructs/on-call-dashboard.ts';
import {
  functionByEntry,
  holdlineTemplate,
  only,
  type Resource,
  referencedId,
  resourcesOf,
} from './template.ts';

const CAP = config.maxSlotWalKeepSizeMb * 1024 * 1024;
const SLOTS = ['holdline_outbox', 'holdline_orders', 'holdline_rules'];

function alarmNamed(template: Template, suffix: string): Resource {
  return only(template, 'AWS::CloudWatch::Alarm', (r) => r.Properties.AlarmName === `Holdline-${suffix}`)[1];
}

describe('slot guard: monitor, alarms, on-call topic, dashboard', () => {
  let template: Template;
  let topicId: string;
  beforeAll(() => {
    template = holdlineTemplate();
    topicId = only(template, 'AWS::SNS::Topic', (r) => r.Properties.DisplayName === 'Holdline on-call')[0];
  });

  it('caps the slot in the RDS parameter group with max_slot_wal_keep_size from the config', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: Match.objectLike({ max_slot_wal_keep_size: String(config.maxSlotWalKeepSizeMb) }),
    });
  });

  it('runs the slot monitor every minute with PutMetricData limited to the Holdline namespace', () => {
    const [fnId] = functionByEntry(template, 'lambdas/slot-monitor/handler.ts');
    const [, rule] = only(template, 'AWS::Events::Rule', (r) =>
      r.Properties.Targets?.some((x: { Arn: unknown }) => referencedId(x.Arn) === fnId),
    );
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 minute)');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'cloudwatch:PutMetricData',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'Holdline' } },
          }),
        ]),
      },
    });
  });

  it('gives the in-VPC monitor a CloudWatch monitoring endpoint (the VPC has no NAT)', () => {
    const [, endpoint] = only(template, 'AWS::EC2::VPCEndpoint', (r) =>
      JSON.stringify(r.Properties.ServiceName).includes('.monitoring'),
    );
    expect(endpoint.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
  });

  it.each(SLOTS)('alarms on slot %s: retained WAL at 70 %% (warn) and 85 %% (page) of the cap', (slot) => {
    const warn = alarmNamed(template, `warn-${slot}-retained-warn`).Properties;
    expect(warn).toMatchObject({
      Namespace: 'Holdline',
      MetricName: 'SlotRetainedWalBytes',
      Dimensions: [{ Name: 'SlotName', Value: slot }],
      Threshold: Math.round(CAP * 0.7),
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    const page = alarmNamed(template, `page-${slot}-retained-page`).Properties;
    expect(page).toMatchObject({ MetricName: 'SlotRetainedWalBytes', Threshold: Math.round(CAP * 0.85) });
  });

  it.each(SLOTS)(
    'pages when slot %s reaches the cap within 4 h, is inactive 10 min, or is unreserved/lost',
    (slot) => {
      expect(alarmNamed(template, `page-${slot}-time-to-cap`).Properties).toMatchObject({
        MetricName: 'SlotTimeToCapSeconds',
        Threshold: 4 * 3600,
        ComparisonOperator: 'LessThanThreshold',
      });
      expect(alarmNamed(template, `page-${slot}-inactive`).Properties).toMatchObject({
        MetricName: 'SlotInactiveSeconds',
        Threshold: t.slotInactive.toSeconds(),
      });
      for (const status of ['Unreserved', 'Lost'])
        expect(
          alarmNamed(template, `page-${slot}-wal-status-${status.toLowerCase()}`).Properties,
        ).toMatchObject({
          MetricName: `SlotWalStatus${status}`,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 1,
        });
    },
  );

  it('pages on low RDS free storage and on RDS-reported slot lag, from the instance metrics', () => {
    const [dbId] = only(template, 'AWS::RDS::DBInstance', () => true);
    const free = alarmNamed(template, 'page-free-storage').Properties;
    expect(free).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'FreeStorageSpace',
      Threshold: Math.round(20 * 1024 ** 3 * 0.15),
      ComparisonOperator: 'LessThanThreshold',
    });
    expect(referencedId(free.Dimensions[0].Value)).toBe(dbId);
    expect(alarmNamed(template, 'page-rds-oldest-slot-lag').Properties).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'OldestReplicationSlotLag',
    });
  });

  it("pages within a minute when the slot monitor's run cannot reach the database, whatever the traffic", () => {
    expect(alarmNamed(template, 'page-database-DependencyDown').Properties).toMatchObject({
      Namespace: 'Holdline',
      MetricName: 'DependencyDown',
      Dimensions: [{ Name: 'Dependency', Value: 'database' }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('alarms on queue age, iterator age, end-to-end latency and the oldest transaction', () => {
    for (const c of ['payment', 'inventory', 'notification']) {
      expect(alarmNamed(template, `page-${c}-oldest-message`).Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: t.queueOldestMessageAge.toSeconds(),
      });
      expect(alarmNamed(template, `warn-${c}-end-to-end-latency`).Properties).toMatchObject({
        Namespace: 'Holdline',
        MetricName: 'EndToEndLatency',
        ExtendedStatistic: 'p99',
        Dimensions: [{ Name: 'Consumer', Value: c }],
      });
    }
    for (const s of ['order-events', 'order-changes'])
      expect(alarmNamed(template, `page-${s}-iterator-age`).Properties).toMatchObject({
        Namespace: 'AWS/Kinesis',
        MetricName: 'GetRecords.IteratorAgeMilliseconds',
        Threshold: t.iteratorAge.toMilliseconds(),
      });
    expect(alarmNamed(template, 'warn-oldest-transaction').Properties.MetricName).toBe(
      'OldestTransactionAgeSeconds',
    );
  });

  it('sends every alarm of the stack, DLQ alarms included, and its recovery to the on-call topic', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(20);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions?.map(referencedId)).toEqual([topicId]);
      expect(alarm.Properties.OKActions?.map(referencedId)).toEqual([topicId]);
    }
    const dlqAlarms = alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(dlqAlarms.length).toBeGreaterThanOrEqual(3);
  });

  it('subscribes an e-mail and an HTTPS endpoint from stack parameters, only when given', () => {
    const parameters = template.toJSON().Parameters;
    expect(parameters.OnCallEmail).toMatchObject({ Type: 'String', Default: '' });
    expect(parameters.OnCallHttpsUrl).toMatchObject({ Type: 'String', Default: '' });
    const subs = resourcesOf(template, 'AWS::SNS::Subscription') as Record<
      string,
      Resource & { Condition?: string }
    >;
    const byProtocol = Object.fromEntries(Object.values(subs).map((s) => [s.Properties.Protocol, s]));
    expect(byProtocol.email?.Properties.Endpoint).toEqual({ Ref: 'OnCallEmail' });
    expect(byProtocol.https?.Properties.Endpoint).toEqual({ Ref: 'OnCallHttpsUrl' });
    expect(byProtocol.email?.Condition).toBeDefined();
  });

  it('takes the on-call address default from context', () => {
    const withEmail = holdlineTemplate({ onCallEmail: 'oncall@example.com' });
    expect(withEmail.toJSON().Parameters.OnCallEmail.Default).toBe('oncall@example.com');
  });

  it('has a dashboard with the four gauges: consumer lag, DLQ depth, end-to-end latency, slot lag vs cap', () => {
    const [, dashboard] = only(template, 'AWS::CloudWatch::Dashboard', () => true);
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const title of ['Slot lag vs cap', 'Consumer lag', 'DLQ depth', 'End-to-end latency'])
      expect(body).toContain(title);
    for (const metric of ['SlotRetainedWalBytes', 'SlotCapBytes', 'SlotConsumerLagBytes', 'EndToEndLatency'])
      expect(body).toContain(metric);
  });

  it("shows consumer lag as the on-call panel does (the consumer queues' oldest message) and links the entry page", () => {
    const [, dashboard] = only(template, 'AWS::CloudWatch::Dashboard', () => true);
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    const panelMetric = gaugeDefinitions.find((g) => g.id === 'consumer-lag')!.metrics[0]!.metricName;
    expect(panelMetric).toBe('ApproximateAgeOfOldestMessage');
    // The widget: from its title to the next widget's.
    const widget = body.slice(
      body.indexOf('Consumer lag ('),
      body.indexOf('title', body.indexOf('Consumer lag (')),
    );
    expect(widget).toContain(panelMetric);
    expect(widget).not.toContain('SlotConsumerLagBytes');
    expect(body).toContain(ENTRY_RUNBOOK);
  });

  it('monitors the slots Debezium actually uses', () => {
    const slotNames = Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition')).flatMap((task) =>
      (task.Properties.ContainerDefinitions ?? []).flatMap(
        (c: { Environment?: { Name: string; Value: unknown }[] }) =>
          (c.Environment ?? []).filter((e) => e.Name === 'DEBEZIUM_SOURCE_SLOT_NAME').map((e) => e.Value),
      ),
    );
    expect(slotNames.sort()).toEqual([...SLOTS].sort());
  });
});

describe('slot guard on Aurora', () => {
  it('keeps the slot alarms and drops the RDS-instance ones', () => {
    const template = holdlineTemplate({ database: 'aurora' });
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: Match.objectLike({ max_slot_wal_keep_size: String(config.maxSlotWalKeepSizeMb) }),
    });
    const names = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmName,
    );
    expect(names).toContain('Holdline-page-holdline_outbox-retained-page');
    expect(names).not.toContain('Holdline-page-free-storage');
  });
});

describe('slot guard with the polling relay', () => {
  it('watches only the slots that exist: no outbox connector, so no outbox slot alarms', () => {
    const template = holdlineTemplate({ relay: 'polling' });
    const names = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmName as string | undefined,
    );
    expect(names).toContain('Holdline-page-holdline_orders-retained-page');
    expect(names.filter((n) => n?.includes('holdline_outbox'))).toEqual([]);
  });
});
