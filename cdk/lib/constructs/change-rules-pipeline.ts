import { AttributeType, BillingMode, type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import type { ChangeRule } from '../../../lambdas/change-rules/rule.ts';
import {
  CHANGE_CONSUMERS,
  CHANGE_RULES_ENV,
  type ChangeConsumerName,
  changeQueueUrlEnv,
} from '../../../lambdas/shared/change-consumers.ts';
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
}

/** A change consumer's queue and function. */
export interface ChangeConsumer {
  queues: FifoQueueWithDlq;
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

  constructor(scope: Construct, id: string, props: ChangeRulesPipelineProps) {
    super(scope, id);
    this.auditLog = new Table(this, 'AuditEntries', {
      partitionKey: { name: 'entity', type: AttributeType.STRING },
      sortKey: { name: 'lsn', type: AttributeType.NUMBER },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
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
      props.idempotencyTable.grantReadWriteData(handler);
      handler.addEventSource(fifoQueueSource(queues.queue));
      return { queues, handler };
    };
    this.consumers = {
      // STAND-IN mail provider: the same placeholder as the notification consumer's (locally the side-effects
      // stand-in, whose request log is the "sent mail").
      'welcome-mail': consumer('welcome-mail', {
        NOTIFICATION_SERVICE_URL: 'https://notifications.example.invalid',
      }),
      'audit-log': consumer('audit-log', { AUDIT_LOG_TABLE: this.auditLog.tableName }),
      'report-export': consumer('report-export', {}),
    };
    this.auditLog.grantWriteData(this.consumers['audit-log'].handler);

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
          CHANGE_CONSUMERS.map((c) => [changeQueueUrlEnv(c), this.consumers[c].queues.queue.queueUrl]),
        ),
        FAILURE_QUEUE_URL: this.failures.queue.queueUrl,
      },
    });
    this.failures.queue.grantSendMessages(this.router);
    for (const c of CHANGE_CONSUMERS) this.consumers[c].queues.queue.grantSendMessages(this.router);
    this.router.addEventSource(kinesisSource(props.tableChanges, this.failures.queue));
  }
}

/** `welcome-mail` → `WelcomeMail` (construct ids and output ids). */
export function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, ch: string) => ch.toUpperCase());
}
