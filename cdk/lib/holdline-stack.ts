import { CfnOutput, DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { ruleCapture } from './change-rules/rule-capture.ts';
import { config } from './config.ts';
import { AdminBastion } from './constructs/admin-bastion.ts';
import { AuroraPostgres } from './constructs/aurora-postgres.ts';
import { ChangeRulesPipeline } from './constructs/change-rules-pipeline.ts';
import { changeStream } from './constructs/change-stream.ts';
import type { DatabaseKind, HoldlineDatabase } from './constructs/database.ts';
import { DebeziumCapture } from './constructs/debezium-capture.ts';
import { DmsCapture } from './constructs/dms-capture.ts';
import { HttpApiGuards } from './constructs/http-api-guards.ts';
import { idempotencyTable } from './constructs/idempotency-table.ts';
import { Network } from './constructs/network.ts';
import { OnCallDashboard } from './constructs/on-call-dashboard.ts';
import { OnCallTopic } from './constructs/on-call-topic.ts';
import { type ApiCustomDomain, OrderApi } from './constructs/order-api.ts';
import { OrderReconciler } from './constructs/order-reconciler.ts';
import { OrderViewProjection } from './constructs/order-view-projection.ts';
import { OutboxReaper } from './constructs/outbox-reaper.ts';
import { OutboxRouter } from './constructs/outbox-router.ts';
import { PollingRelayService } from './constructs/polling-relay-service.ts';
import { QueueConsumer } from './constructs/queue-consumer.ts';
import { RdsPostgres } from './constructs/rds-postgres.ts';
import { SlotGuardAlarms } from './constructs/slot-guard-alarms.ts';
import { SlotMonitor } from './constructs/slot-monitor.ts';
import { StubProviders } from './constructs/stub-providers.ts';
import { DEFAULT_WEB_DIST, WebHosting } from './constructs/web-hosting.ts';
import type { OutputId } from './outputs.ts';
import { checkProviderChoice, type ProviderChoice, type ProviderSetting } from './providers.ts';

/** How changes leave Postgres. `debezium`: Debezium Server on Fargate; `dms`: AWS DMS Serverless (minimal). */
export type CdcKind = 'debezium' | 'dms';
/** Who delivers the outbox. `cdc`: the CDC above; `polling`: the polling relay on Fargate (services/polling-relay). */
export type RelayKind = 'cdc' | 'polling';

export interface HoldlineStackProps extends StackProps {
  /** Default `rds`. */
  database: DatabaseKind;
  /** Default `debezium`. */
  cdc: CdcKind;
  /** Default `cdc`. */
  relay?: RelayKind;
  /** The payment gateway, warehouse and mail provider (cdk/lib/providers.ts, docs/providers.md): a URL for each, or
   *  the stub providers for those without one. No default: the stack refuses to guess where orders go. */
  providers: ProviderChoice;
  /** Built web UI to upload, repo-relative or absolute. Default `web/dist`; skipped (with a warning) if not built. */
  webDist?: string;
  /** Add the SSM-only admin bastion for running migrations (docs/deploy.md). Default false. */
  bastion?: boolean;
  /** Debezium services at 0 tasks (context `capture=paused`), for the first deploy before migrations. Default false. */
  capturePaused?: boolean;
  /** One NAT gateway and egress subnets for the in-VPC functions (context `egress=nat`). Default false. */
  natEgress?: boolean;
  /** RDS Multi-AZ (context `multiAz`). Default `config.databaseMultiAz` (true); a sandbox may opt out. */
  databaseMultiAz?: boolean;
  /** A custom domain for the API; then its execute-api endpoint is disabled (context `apiDomainName` +
   *  `apiCertificateArn`). Default none. */
  apiDomain?: ApiCustomDomain;
  /** The token issuer's JWKS URL (context `tokenJwksUrl`, cdk/lib/token-issuer.ts). */
  tokenJwksUrl: string;
}

/**
 * Holdline: order API → Postgres (order + outbox row in one transaction) → CDC → Kinesis → router →
 * three FIFO queues → idempotent consumers; and the `orders` table's changes → order-view table.
 */
export class HoldlineStack extends Stack {
  constructor(scope: Construct, id: string, props: HoldlineStackProps) {
    super(scope, id, {
      // No BootstrapVersion rule/parameter: the local cloud (and moto's CloudFormation) reads this template
      // without a bootstrapped account. Deploys still use the standard bootstrap bucket and roles.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      ...props,
    });
    // First, so a deploy that names no providers fails before anything else is built.
    checkProviderChoice(props.providers);
    const stub = props.providers.stub ? new StubProviders(this, 'StubProviders') : undefined;
    const providerUrl = (setting: ProviderSetting): string => {
      const url = props.providers.urls[setting] ?? stub?.urls[setting];
      if (url === undefined) throw new Error(`no URL for ${setting}`); // checkProviderChoice rules this out
      return url;
    };
    const network = new Network(this, 'Network', { natEgress: props.natEgress });
    const database: HoldlineDatabase =
      props.database === 'aurora'
        ? new AuroraPostgres(this, 'Database', network)
        : new RdsPostgres(this, 'Database', network, { multiAz: props.databaseMultiAz });

    if (props.bastion) new AdminBastion(this, 'AdminBastion', network, database);

    const orderEvents = changeStream(this, 'OrderEvents', config.orderEventsShardCount);
    const orderChanges = changeStream(this, 'OrderChanges');
    // Change rules (cdk/lib/change-rules): validated against the migrations here, at synth; a bad rule fails it.
    const changeRules = ruleCapture();
    const tableChanges = changeStream(this, 'TableChanges');
    if (props.relay === 'polling' && props.cdc === 'dms')
      // DMS captures the outbox table as a whole; with the poller too, every event would go out twice.
      throw new Error('relay=polling needs cdc=debezium: the DMS variant always delivers the outbox itself');
    const capture = { network, database, orderEvents, orderChanges, paused: props.capturePaused };
    // The slots the guard watches: Debezium's, one per connector. DMS names its own slots, so none are known.
    let slotNames: string[] = [];
    if (props.cdc === 'dms') new DmsCapture(this, 'Capture', capture);
    else
      slotNames = new DebeziumCapture(this, 'Capture', {
        ...capture,
        outbox: props.relay !== 'polling',
        rules: { stream: tableChanges, plan: changeRules.plan },
      }).slotNames;
    if (props.relay === 'polling')
      new PollingRelayService(this, 'PollingRelay', { network, database, orderEvents });
    new OutboxReaper(this, 'OutboxReaper', database);

    const api = new OrderApi(this, 'OrderApi', database, {
      customDomain: props.apiDomain,
      tokenJwksUrl: props.tokenJwksUrl,
    });
    new HttpApiGuards(this, 'OrderApiGuards', api.httpApi);

    const idempotency = idempotencyTable(this, 'Idempotency');
    // Payment records the outcome on the order row, so it alone of the consumers reaches Postgres.
    const payment = new QueueConsumer(this, 'PaymentConsumer', {
      name: 'payment',
      idempotencyTable: idempotency,
      database,
      environment: { PAYMENT_GATEWAY_URL: providerUrl('paymentGatewayUrl') },
    });
    const inventory = new QueueConsumer(this, 'InventoryConsumer', {
      name: 'inventory',
      idempotencyTable: idempotency,
      environment: { INVENTORY_SERVICE_URL: providerUrl('inventoryServiceUrl') },
    });
    const notification = new QueueConsumer(this, 'NotificationConsumer', {
      name: 'notification',
      idempotencyTable: idempotency,
      environment: { NOTIFICATION_SERVICE_URL: providerUrl('notificationServiceUrl') },
    });
    const router = new OutboxRouter(this, 'Routing', { orderEvents, payment, inventory, notification });
    const orderView = new OrderViewProjection(this, 'OrderViewProjection', orderChanges);
    const rules = new ChangeRulesPipeline(this, 'ChangeRules', {
      tableChanges,
      rules: changeRules.rules,
      plan: changeRules.plan,
      idempotencyTable: idempotency,
      notificationServiceUrl: providerUrl('notificationServiceUrl'),
      orderView: orderView.table,
    });
    api.bindOrderView(orderView.table);
    new OrderReconciler(this, 'Reconciler', {
      database,
      paymentGatewayUrl: providerUrl('paymentGatewayUrl'),
    });
    const web = new WebHosting(this, 'WebHosting', {
      apiEndpoint: api.url,
      apiOriginDomain: api.originDomain,
      distDir: props.webDist ?? DEFAULT_WEB_DIST,
    });

    // Slot guard: the monitor, the alarms, the on-call topic every alarm pages through, the dashboard.
    new SlotMonitor(this, 'SlotMonitor', database);
    const onCall = new OnCallTopic(this, 'OnCall');
    const consumers = { payment, inventory, notification };
    const guardInput = {
      slotNames,
      consumers: Object.keys(consumers),
      ...(database instanceof RdsPostgres ? { rdsInstance: database.instance } : {}),
    };
    const consumerQueues = Object.entries(consumers).map(([name, c]) => ({ name, queue: c.queues.queue }));
    const guard = new SlotGuardAlarms(this, 'SlotGuard', {
      ...guardInput,
      onCall,
      queues: consumerQueues,
      streams: [
        { name: 'order-events', stream: orderEvents },
        { name: 'order-changes', stream: orderChanges },
        { name: 'table-changes', stream: tableChanges },
      ],
    });
    // Every other alarm of the stack (DLQ depth, failure queues) pages through the same topic.
    const alarms = this.node.findAll().filter((c): c is Alarm => c instanceof Alarm);
    for (const alarm of alarms) if (!guard.alarms.includes(alarm)) onCall.page(alarm);
    new OnCallDashboard(this, 'OnCallDashboard', {
      ...guardInput,
      queues: consumerQueues,
      dlqs: Object.entries(consumers).map(([name, c]) => ({ name, dlq: c.queues.dlq })),
      alarms,
    });

    const outputs: Record<OutputId, string> = {
      OrderEventsStreamName: orderEvents.streamName,
      OrderChangesStreamName: orderChanges.streamName,
      PaymentQueueUrl: payment.queues.queue.queueUrl,
      PaymentDlqUrl: payment.queues.dlq.queueUrl,
      InventoryQueueUrl: inventory.queues.queue.queueUrl,
      InventoryDlqUrl: inventory.queues.dlq.queueUrl,
      NotificationQueueUrl: notification.queues.queue.queueUrl,
      NotificationDlqUrl: notification.queues.dlq.queueUrl,
      RouterFailureQueueUrl: router.failures.queue.queueUrl,
      OrderViewFailureQueueUrl: orderView.failures.queue.queueUrl,
      TableChangesStreamName: tableChanges.streamName,
      WelcomeMailQueueUrl: rules.consumers['welcome-mail'].queues.queue.queueUrl,
      WelcomeMailDlqUrl: rules.consumers['welcome-mail'].queues.dlq.queueUrl,
      AuditLogQueueUrl: rules.consumers['audit-log'].queues.queue.queueUrl,
      AuditLogDlqUrl: rules.consumers['audit-log'].queues.dlq.queueUrl,
      ReportExportQueueUrl: rules.consumers['report-export'].queues.queue.queueUrl,
      ReportExportDlqUrl: rules.consumers['report-export'].queues.dlq.queueUrl,
      ChangeRouterFailureQueueUrl: rules.failures.queue.queueUrl,
      AuditLogTableName: rules.auditLog.tableName,
      ReportsBucketName: rules.reports.bucketName,
      IdempotencyTableName: idempotency.tableName,
      OrderViewTableName: orderView.table.tableName,
      HttpApiUrl: api.url,
      WebUrl: `https://${web.distribution.distributionDomainName}`,
    };
    for (const [outputId, value] of Object.entries(outputs)) new CfnOutput(this, outputId, { value });
  }
}
