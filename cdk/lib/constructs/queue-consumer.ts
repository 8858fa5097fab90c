import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, metricNames } from '../../../lambdas/shared/metric-names.ts';
import { alarmThresholds } from '../alarm-thresholds.ts';
import { config, consumerRetryBudget, consumerVisibilityTimeout } from '../config.ts';
import { fifoQueueSource } from '../event-sources.ts';
import type { HoldlineDatabase } from './database.ts';
import { FifoQueueWithDlq } from './fifo-queue-with-dlq.ts';
import { HoldlineFunction } from './holdline-function.ts';
import { sequenceAnomalyAlarm } from './sequence-anomaly-alarm.ts';

/** The three downstream consumers; also `CONSUMER_NAME` and the idempotency key prefix. */
export type ConsumerName = 'payment' | 'inventory' | 'notification';

export interface QueueConsumerProps {
  name: ConsumerName;
  /** Records processed event ids (Powertools idempotency). */
  idempotencyTable: ITable;
  /** Set for consumers that write Postgres: adds the `DB_*` environment (the consumers' login), grants and VPC placement. */
  database?: HoldlineDatabase;
  /** What the consumer's side effect needs, e.g. its provider's URL (`PAYMENT_GATEWAY_URL`, cdk/lib/providers.ts). */
  environment?: Record<string, string>;
}

/**
 * One consumer: its FIFO queue + DLQ and a Lambda reading it in order, deduplicating by event id. The queue's
 * visibility is derived from the function's timeout, so the two cannot drift apart.
 */
export class QueueConsumer extends Construct {
  readonly queues: FifoQueueWithDlq;
  readonly handler: HoldlineFunction;
  readonly dependencyDownAlarm: Alarm;
  /** Any skipped or out-of-order sequence the consumer saw (pages on-call, like every alarm of the stack). */
  readonly sequenceAlarm: Alarm;

  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    this.queues = new FifoQueueWithDlq(this, 'Queue', { visibilityTimeout: consumerVisibilityTimeout() });
    const budget = consumerRetryBudget();
    this.handler = new HoldlineFunction(this, 'Handler', {
      entry: `lambdas/consumers/${props.name}/handler.ts`,
      serviceName: `${props.name}-consumer`,
      timeout: config.consumerTimeout,
      ...props.database?.functionPlacement,
      environment: {
        CONSUMER_NAME: props.name,
        IDEMPOTENCY_TABLE: props.idempotencyTable.tableName,
        IDEMPOTENCY_EXPIRES_AFTER_SECONDS: String(config.idempotencyTtl.toSeconds()),
        // The failure policy (lambdas/consumers/failure-policy.ts): a poison message is quarantined to its own
        // DLQ with a reason after MAX_ATTEMPTS receives; a dependency outage is waited out for the outage budget,
        // with backoff (the visibility timeout) growing to OUTAGE_BACKOFF_MAX_SECONDS.
        QUEUE_URL: this.queues.queue.queueUrl,
        DLQ_URL: this.queues.dlq.queueUrl,
        MAX_ATTEMPTS: String(budget.maxAttempts),
        RETRY_BACKOFF_BASE_SECONDS: String(budget.backoffBaseSeconds),
        RETRY_BACKOFF_MAX_SECONDS: String(budget.backoffMaxSeconds),
        OUTAGE_BUDGET_SECONDS: String(budget.outageBudgetSeconds),
        OUTAGE_BACKOFF_MAX_SECONDS: String(budget.outageBackoffMaxSeconds),
        ...props.environment,
      },
    });
    props.idempotencyTable.grantReadWriteData(this.handler);
    this.queues.dlq.grantSendMessages(this.handler);
    props.database?.connectFunction(this.handler, 'consumer');
    this.handler.addEventSource(fifoQueueSource(this.queues.queue));
    // The outage itself pages, within a minute of the breaker opening. Missing data keeps the state: while
    // every message waits out its backoff no invocation reports, and the outage is not over for that.
    this.dependencyDownAlarm = new Alarm(this, 'DependencyDown', {
      alarmDescription: `${props.name} consumer: a dependency is unavailable (circuit breaker open) — runbook: docs/runbooks/dependency-down.md`,
      metric: new Metric({
        namespace: METRIC_NAMESPACE,
        metricName: metricNames.dependencyDown,
        dimensionsMap: { Consumer: props.name },
        statistic: Stats.MAXIMUM,
        period: alarmThresholds.dependencyDown,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.IGNORE,
    });
    this.sequenceAlarm = sequenceAnomalyAlarm(this, 'SequenceAnomalies', props.name);
  }
}
