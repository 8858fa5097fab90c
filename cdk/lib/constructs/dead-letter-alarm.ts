import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Alarms as soon as one message is visible in a queue that should stay empty (a DLQ or an on-failure
 * destination): every message there is a delivery the pipeline gave up on.
 */
export function deadLetterAlarm(scope: Construct, id: string, queue: IQueue, what: string): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: `${what}: messages are waiting; each one is an event the pipeline could not deliver.`,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    // An empty DLQ publishes no datapoints for a while; silence is the healthy state.
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
