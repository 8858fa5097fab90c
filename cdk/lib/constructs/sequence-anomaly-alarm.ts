import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { SEQUENCE_ANOMALIES_METRIC } from '../../../lambdas/consumers/sequence-order.ts';
import { METRIC_NAMESPACE } from '../../../lambdas/shared/metric-names.ts';

/**
 * Alarms on the first skipped or out-of-order sequence a consumer sees (lambdas/consumers/sequence-guard.ts):
 * per-order delivery order is a guarantee, so one anomaly means it broke somewhere upstream or an event is missing.
 */
export function sequenceAnomalyAlarm(scope: Construct, id: string, consumer: string): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: `${consumer} consumer applied an event out of per-order sequence (skipped or older); see its log line "sequence …: applied anyway" for both sequences (runbook: docs/runbooks/sequence-anomaly.md).`,
    metric: new Metric({
      namespace: METRIC_NAMESPACE,
      metricName: SEQUENCE_ANOMALIES_METRIC,
      dimensionsMap: { Consumer: consumer },
      period: Duration.minutes(1),
      statistic: 'Sum',
    }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    // The metric is only published when an anomaly happens; no datapoint is the healthy state.
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
