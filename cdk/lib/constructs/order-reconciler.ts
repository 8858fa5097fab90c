import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, metricNames } from '../../../lambdas/shared/metric-names.ts';
import { alarmThresholds } from '../alarm-thresholds.ts';
import { config } from '../config.ts';
import type { HoldlineDatabase } from './database.ts';
import { HoldlineFunction } from './holdline-function.ts';

export interface OrderReconcilerProps {
  database: HoldlineDatabase;
  paymentGatewayUrl: string;
}

/**
 * The reconciler: on a rate schedule, orders pending past `config.reconcileDeadline` are resolved from the payment
 * gateway's record (by idempotency key) through the guarded transition and the outbox — the path that makes a
 * lost payment confirmation converge instead of leaving the order pending forever.
 */
export class OrderReconciler extends Construct {
  readonly handler: HoldlineFunction;
  readonly schedule: Rule;
  readonly notDrainingAlarm: Alarm;

  constructor(scope: Construct, id: string, props: OrderReconcilerProps) {
    super(scope, id);
    this.handler = new HoldlineFunction(this, 'Reconcile', {
      entry: 'lambdas/reconcile/handler.ts',
      serviceName: 'reconcile',
      timeout: config.reconcileTimeout,
      environment: {
        PAYMENT_GATEWAY_URL: props.paymentGatewayUrl,
        RECONCILE_DEADLINE_SECONDS: String(config.reconcileDeadline.toSeconds()),
        RECONCILE_BATCH_SIZE: String(config.reconcileBatchSize),
        RECONCILE_REDRIVE_INTERVAL_SECONDS: String(config.reconcileRedriveInterval.toSeconds()),
        RECONCILE_GIVE_UP_AFTER_SECONDS: String(config.reconcileGiveUpAfter.toSeconds()),
      },
      ...props.database.functionPlacement,
    });
    props.database.connectFunction(this.handler, 'consumer');
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Resolve orders stuck in pending from the payment gateway',
      schedule: Schedule.rate(config.reconcileInterval),
    });
    // One run at a time is enough; a failed run is simply the next run's work (no async retries needed).
    this.schedule.addTarget(new LambdaFunction(this.handler, { retryAttempts: 0 }));
    // Stuck orders that never drain: every run in the window still found some. Missing data (the reconciler
    // itself failing) is its Errors alarm's to page for.
    const window = alarmThresholds.reconcileNotDraining;
    this.notDrainingAlarm = new Alarm(this, 'StuckNotDraining', {
      alarmDescription: `Orders stuck in pending for ${window.toMinutes()} min without draining — runbook: docs/runbooks/stranded-orders.md`,
      metric: new Metric({
        namespace: METRIC_NAMESPACE,
        metricName: metricNames.reconcileStuck,
        dimensionsMap: { service: 'reconcile' },
        statistic: Stats.MINIMUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: Math.max(1, Math.round(window.toMinutes() / 5)),
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
