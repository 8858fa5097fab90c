import { CfnOutput, DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { AuroraPostgres } from './constructs/aurora-postgres.ts';
import { changeStream } from './constructs/change-stream.ts';
import type { DatabaseKind, HoldlineDatabase } from './constructs/database.ts';
import { DebeziumCapture } from './constructs/debezium-capture.ts';
import { DmsCapture } from './constructs/dms-capture.ts';
import { idempotencyTable } from './constructs/idempotency-table.ts';
import { Network } from './constructs/network.ts';
import { OnCallDashboard } from './constructs/on-call-dashboard.ts';
import { OnCallTopic } from './constructs/on-call-topic.ts';
import { OrderApi } from './constructs/order-api.ts';
import { OrderViewProjection } from './constructs/order-view-projection.ts';
import { OutboxRouter } from './constructs/outbox-router.ts';
import { QueueConsumer } from './constructs/queue-consumer.ts';
import { RdsPostgres } from './constructs/rds-postgres.ts';
import { SlotGuardAlarms } from './constructs/slot-guard-alarms.ts';
import { SlotMonitor } from './constructs/slot-monitor.ts';
import type { OutputId } from './outputs.ts';

/** How changes leave Postgres. `debezium`: Debezium Server on Fargate; `dms`: AWS DMS Serverless (minimal). */
export type CdcKind = 'debezium' | 'dms';

export interface HoldlineStackProps extends StackProps {
  /** Default `rds`. */
  database: DatabaseKind;
  /** Default `debezium`. */
  cdc: CdcKind;
  /** `PAYMENT_GATEWAY_URL` of the payment consumer. Default `https://payments.example.invalid`. */
  paymentGatewayUrl?: string;
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
    const network = new Network(this, 'Network');
    const database: HoldlineDatabase =
      props.database === 'aurora'
        ? new AuroraPostgres(this, 'Database', network)
        : new RdsPostgres(this, 'Database', network);

    const orderEvents = changeStream(this, 'OrderEvents');
    const orderChanges = changeStream(this, 'OrderChanges');
    const capture = { network, database, orderEvents, orderChanges };
    if (props.cdc === 'dms') new DmsCapture(this, 'Capture', capture);
    else new DebeziumCapture(this, 'Capture', capture);

    const api = new OrderApi(this, 'OrderApi', database);

    const idempotency = idempotencyTable(this, 'Idempotency');
    // Payment records the outcome on the order row, so it alone of the consumers reaches Postgres.
    const payment = new QueueConsumer(this, 'PaymentConsumer', {
      name: 'payment',
      idempotencyTable: idempotency,
      database,
      environment: { PAYMENT_GATEWAY_URL: props.paymentGatewayUrl ?? 'https://payments.example.invalid' },
    });
    const inventory = new QueueConsumer(this, 'InventoryConsumer', {
      name: 'inventory',
      idempotencyTable: idempotency,
    });
    const notification = new QueueConsumer(this, 'NotificationConsumer', {
      name: 'notification',
      idempotencyTable: idempotency,
    });
    const router = new OutboxRouter(this, 'Routing', { orderEvents, payment, inventory, notification });
    const orderView = new OrderViewProjection(this, 'OrderViewProjection', orderChanges);

    // Slot guard: the monitor, the alarms, the on-call topic every alarm pages through, the dashboard.
    new SlotMonitor(this, 'SlotMonitor', database);
    const onCall = new OnCallTopic(this, 'OnCall');
    const consumers = { payment, inventory, notification };
    const guardInput = {
      // Debezium's connector names, which are also its slot names (debezium-capture.ts). DMS names its own.
      slotNames: props.cdc === 'dms' ? [] : ['holdline_outbox', 'holdline_orders'],
      consumers: Object.keys(consumers),
      ...(database instanceof RdsPostgres ? { rdsInstance: database.instance } : {}),
    };
    const guard = new SlotGuardAlarms(this, 'SlotGuard', {
      ...guardInput,
      onCall,
      queues: Object.entries(consumers).map(([name, c]) => ({ name, queue: c.queues.queue })),
      streams: [
        { name: 'order-events', stream: orderEvents },
        { name: 'order-changes', stream: orderChanges },
      ],
    });
    // Every other alarm of the stack (DLQ depth, failure queues) pages through the same topic.
    const alarms = this.node.findAll().filter((c): c is Alarm => c instanceof Alarm);
    for (const alarm of alarms) if (!guard.alarms.includes(alarm)) onCall.page(alarm);
    new OnCallDashboard(this, 'OnCallDashboard', {
      ...guardInput,
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
      IdempotencyTableName: idempotency.tableName,
      OrderViewTableName: orderView.table.tableName,
      HttpApiUrl: api.httpApi.apiEndpoint,
    };
    for (const [outputId, value] of Object.entries(outputs)) new CfnOutput(this, outputId, { value });
  }
}
