import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BY_CUSTOMER_INDEX } from '../../../lambdas/api/order-list.ts';
import type { ChangeRule } from '../../../lambdas/change-rules/rule.ts';
import {
  CHANGE_CONSUMERS,
  CHANGE_RULES_ENV,
  type ChangeConsumerName,
  changeBulkQueueUrlEnv,
  changeQueueUrlEnv,
} from '../../../lambdas/shared/change-consumers.ts';
import { METRIC_NAMESPACE, metricNames } from '../../../lambdas/shared/metric-names.ts';
import type { CapturedTable } from '../change-rules/capture-plan.ts';
import { config, consumerVisibilityTimeout } from '../config.ts';
import { fifoQueueSource, kinesisSource } from '../event-sources.ts';
import { FailureQueue } from './failure-queue.ts';
import { FifoQueueWithDlq } from './fifo-queue-with-dlq.ts';
import { HoldlineFunction } from './holdline-function.ts';

export interface ChangeRulesPipelineProps {
  /** The rules' table changes (the `holdline_rules` connector's stream). */
  tableChanges: IStream;
  rules: readonly ChangeRule[];
  plan: readonly CapturedTable[];
  /** Processed change ids (the same Powertools idempotency table as the order consumers). */
  idempotencyTable: ITable;
  /** The mail provider's base URL, the notification consumer's (cdk/lib/providers.ts). */
  notificationServiceUrl: string;
  /** The order view (read model): the report export reads a customer's orders from its `byCustomer` index. */
  orderView: ITable;
}

/** The page when the router detects an unmarked flurry (drills look for it by this name). */
export const FLURRY_ALARM_NAME = 'Holdline-page-change-rules-flurry';

/** A change consumer's queues and function. */
export interface ChangeConsumer {
  queues: FifoQueueWithDlq;
  /** The low-priority lane: a bulk transaction's changes, read with `config.bulkLaneMaxConcurrency`. */
  bulkQueues: FifoQueueWithDlq;
  handler: HoldlineFunction;
}

/**
 * Work from any SQL change: the change router reads the rules' table changes, enforces the rules
 * (lambdas/change-rules/match.ts) and sends each match to its consumer's FIFO queue (group = the row or the rule's
 * group key, dedup id = the change id); one Lambda per consumer does the work once per change. The rules travel
 * in the router's environment, as validated at synth.
 */
export class ChangeRulesPipeline extends Construct {
  readonly router: HoldlineFunction;
  readonly failures: FailureQueue;
  readonly consumers: Record<ChangeConsumerName, ChangeConsumer>;
  /** Append-only audit log: pk `entity` (`<table>#<key>`), sk `lsn`. */
  readonly auditLog: Table;
  /** Bulk transactions seen by the router (marked or flurry), pk `txId`, expiring a day later. */
  readonly bulkTransactions: Table;
  /** Pages when the router detects an unmarked flurry (a bulk change someone forgot to mark). */
  readonly flurryAlarm: Alarm;
  /** The CSV exports of `report_requests` (`reports/<customer>/<request>.csv`), private and expiring. */
  readonly reports: Bucket;

  constructor(scope: Construct, id: string, props: ChangeRulesPipelineProps) {
    super(scope, id);
    this.auditLog = new Table(this, 'AuditEntries', {
      partitionKey: { name: 'entity', type: AttributeType.STRING },
      sortKey: { name: 'lsn', type: AttributeType.NUMBER },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    this.bulkTransactions = new Table(this, 'BulkTransactions', {
      partitionKey: { name: 'txId', type: AttributeType.NUMBER },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    this.reports = new Bucket(this, 'Reports', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // A report overwritten or deleted by mistake can be restored for a week; versions expire with the reports.
      versioned: true,
      lifecycleRules: [{ expiration: config.reportRetention, noncurrentVersionExpiration: Duration.days(7) }],
      // Reports hold customers' orders: a stack deletion must not take them with it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.reports).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the report-export function writes here, through its role; CloudTrail data events are the audit ' +
        'trail if one is needed, and a log bucket would outgrow the reports themselves.',
    });
    const consumer = (name: ChangeConsumerName, environment: Record<string, string>): ChangeConsumer => {
      const queues = new FifoQueueWithDlq(this, `${pascal(name)}Queue`, {
        visibilityTimeout: consumerVisibilityTimeout(),
      });
      const handler = new HoldlineFunction(this, pascal(name), {
        entry: `lambdas/change-rules/consumers/${name}/handler.ts`,
        serviceName: `${name}-consumer`,
        timeout: config.consumerTimeout,
        environment: {
          CONSUMER_NAME: name,
          IDEMPOTENCY_TABLE: props.idempotencyTable.tableName,
          IDEMPOTENCY_EXPIRES_AFTER_SECONDS: String(config.idempotencyTtl.toSeconds()),
          ...environment,
        },
      });
      const bulkQueues = new FifoQueueWithDlq(this, `${pascal(name)}BulkQueue`, {
        visibilityTimeout: consumerVisibilityTimeout(),
      });
      props.idempotencyTable.grantReadWriteData(handler);
      handler.addEventSource(fifoQueueSource(queues.queue));
      handler.addEventSource(fifoQueueSource(bulkQueues.queue, config.bulkLaneMaxConcurrency));
      return { queues, bulkQueues, handler };
    };
    this.consumers = {
      // The notification consumer's mail provider (locally the side-effects stand-in, whose request log is the
      // "sent mail").
      'welcome-mail': consumer('welcome-mail', { NOTIFICATION_SERVICE_URL: props.notificationServiceUrl }),
      'audit-log': consumer('audit-log', { AUDIT_LOG_TABLE: this.auditLog.tableName }),
      'report-export': consumer('report-export', {
        REPORTS_BUCKET: this.reports.bucketName,
        ORDER_VIEW_TABLE: props.orderView.tableName,
        REPORT_MAX_ORDERS: String(config.reportMaxOrders),
      }),
    };
    this.auditLog.grantWriteData(this.consumers['audit-log'].handler);
    // Exactly what the export does: query one index, put objects under reports/ (no read, no delete).
    const reportExport = this.consumers['report-export'].handler;
    reportExport.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.orderView.tableArn}/index/${BY_CUSTOMER_INDEX}`],
      }),
    );
    reportExport.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.reports.arnForObjects('reports/*')],
      }),
    );
    Validations.of(reportExport).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.reports.node.defaultChild as CfnElement)}.Arn>/reports/*]`,
      reason:
        'One object per report request, named at run time: the export may put objects under reports/ only, ' +
        'and may not read or delete any.',
    });

    this.failures = new FailureQueue(this, 'ChangeRouterFailures');
    this.router = new HoldlineFunction(this, 'ChangeRouter', {
      entry: 'lambdas/change-rules/handler.ts',
      serviceName: 'change-router',
      timeout: config.routerTimeout,
      environment: {
        [CHANGE_RULES_ENV]: JSON.stringify({
          rules: props.rules,
          keyColumns: Object.fromEntries(props.plan.map((t) => [t.table, t.keyColumn])),
        }),
        ...Object.fromEntries(
          CHANGE_CONSUMERS.flatMap((c) => [
            [changeQueueUrlEnv(c), this.consumers[c].queues.queue.queueUrl],
            [changeBulkQueueUrlEnv(c), this.consumers[c].bulkQueues.queue.queueUrl],
          ]),
        ),
        FAILURE_QUEUE_URL: this.failures.queue.queueUrl,
        BULK_TRANSACTIONS_TABLE: this.bulkTransactions.tableName,
        FLURRY_CHANGES_PER_TRANSACTION: String(config.flurryChangesPerTransaction),
        FLURRY_CHANGES_PER_TABLE_SECOND: String(config.flurryChangesPerTableSecond),
      },
    });
    this.failures.queue.grantSendMessages(this.router);
    this.bulkTransactions.grantReadWriteData(this.router);
    for (const c of CHANGE_CONSUMERS) {
      this.consumers[c].queues.queue.grantSendMessages(this.router);
      this.consumers[c].bulkQueues.queue.grantSendMessages(this.router);
    }
    this.router.addEventSource(kinesisSource(props.tableChanges, this.failures.queue));
    // An unmarked flurry is already throttled; the page is so someone marks the next one (docs/change-rules.md).
    this.flurryAlarm = new Alarm(this, 'FlurryDetected', {
      alarmName: FLURRY_ALARM_NAME,
      alarmDescription:
        'change rules: an unmarked bulk change (flurry) was detected and throttled — runbook: docs/change-rules.md',
      metric: new Metric({
        namespace: METRIC_NAMESPACE,
        metricName: metricNames.flurryDetected,
        dimensionsMap: { service: 'change-router' },
        statistic: Stats.SUM,
        period: Duration.minutes(1),
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}

/** `welcome-mail` → `WelcomeMail` (construct ids and output ids). */
export function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, ch: string) => ch.toUpperCase());
}
