import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../provision/index.ts';
import { alarmDefinitions } from './definitions.ts';
import { severityOf } from './evaluator.ts';

// A stand-in for the provisioned resources: GetAtt QueueName → the emulator's queue name, Ref topic → its ARN.
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (typeof value !== 'object' || value === null) return value;
  const v = value as Record<string, unknown>;
  if (v.Ref === 'AWS::StackName') return 'Holdline';
  if (Array.isArray(v['Fn::GetAtt'])) return `local-${(v['Fn::GetAtt'] as string[]).join('.')}`;
  if (typeof v.Ref === 'string') return `arn:aws:sns:us-east-1:000000000000:${v.Ref}`;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
}

const template: CfnTemplate = {
  Resources: {
    DlqAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Dlq', 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'OnCall' }],
      },
    },
    Latency: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: 'Holdline-warn-payment-end-to-end-latency',
        Namespace: 'Holdline',
        MetricName: 'EndToEndLatency',
        ExtendedStatistic: 'p99',
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        Threshold: 30000,
        ComparisonOperator: 'GreaterThanThreshold',
      },
    },
    IteratorAge: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'AWS/Kinesis',
        MetricName: 'GetRecords.IteratorAgeMilliseconds',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 300000,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'breaching',
      },
    },
    Math: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { Metrics: [{ Id: 'e', Expression: 'a+b' }], EvaluationPeriods: 1, Threshold: 1 },
    },
  },
};

describe('alarmDefinitions', () => {
  const { alarms, skipped } = alarmDefinitions(template, { resolve });
  const byId = Object.fromEntries(alarms.map((a) => [a.logicalId, a]));

  it('resolves dimensions and actions through the provisioned resources', () => {
    expect(byId.DlqAlarm).toMatchObject({
      alarmName: 'Holdline-DlqAlarm',
      dimensions: [{ Name: 'QueueName', Value: 'local-Dlq.QueueName' }],
      datapointsToAlarm: 1,
      alarmActions: ['arn:aws:sns:us-east-1:000000000000:OnCall'],
    });
  });
  it('keeps M of N, the percentile and CloudWatch’s default missing-data treatment', () => {
    expect(byId.Latency).toMatchObject({
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      extendedStatistic: 'p99',
      treatMissingData: 'missing',
    });
  });
  it('skips metric-math alarms, and breaching ones on a namespace nothing publishes locally, and says so', () => {
    expect(byId.Math).toBeUndefined();
    expect(byId.IteratorAge).toBeUndefined();
    expect(skipped).toEqual([
      expect.stringContaining('IteratorAge: AWS/Kinesis has no local source'),
      expect.stringContaining('Math: metric-math'),
    ]);
  });
  it('grades alarms: named warn, named page, or paging because it has actions', () => {
    expect(severityOf(byId.Latency!)).toBe('warn');
    expect(severityOf(byId.DlqAlarm!)).toBe('page');
    expect(severityOf({ alarmName: 'Holdline-page-x', description: '[page] y', alarmActions: [] })).toBe(
      'page',
    );
  });
});
