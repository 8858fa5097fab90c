import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from 'vitest';
import { holdlineTemplate } from './template.ts';

// lambdas/consumers/sequence-guard.ts counts skipped and out-of-order sequences; each consumer's count alarms
// at the first one, and (like every alarm of the stack) pages on-call.
describe('sequence anomaly alarms', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  it.each(['payment', 'inventory', 'notification'])(
    'alarms on any non-zero SequenceAnomalies count of the %s consumer, and pages on-call',
    (consumer) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Holdline',
        MetricName: 'SequenceAnomalies',
        Dimensions: [{ Name: 'Consumer', Value: consumer }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: Match.anyValue(),
      });
    },
  );
});
