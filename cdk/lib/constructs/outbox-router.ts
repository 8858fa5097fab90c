import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { config } from '../config.ts';
import { kinesisSource } from '../event-sources.ts';
import { FailureQueue } from './failure-queue.ts';
import { HoldlineFunction } from './holdline-function.ts';
import type { QueueConsumer } from './queue-consumer.ts';

export interface OutboxRouterProps {
  orderEvents: IStream;
  payment: QueueConsumer;
  inventory: QueueConsumer;
  notification: QueueConsumer;
}

/**
 * The fan-out: reads outbox events from Kinesis and sends each to the consumers' FIFO queues (group = order
 * id, dedup id = event id). Batches it cannot route after the retries leave a pointer in `failures`.
 */
export class OutboxRouter extends Construct {
  readonly handler: HoldlineFunction;
  readonly failures: FailureQueue;

  constructor(scope: Construct, id: string, props: OutboxRouterProps) {
    super(scope, id);
    this.failures = new FailureQueue(this, 'RouterFailures');
    this.handler = new HoldlineFunction(this, 'Router', {
      entry: 'lambdas/router/handler.ts',
      serviceName: 'router',
      timeout: config.routerTimeout,
      environment: {
        QUEUE_URL_PAYMENT: props.payment.queues.queue.queueUrl,
        QUEUE_URL_INVENTORY: props.inventory.queues.queue.queueUrl,
        QUEUE_URL_NOTIFICATION: props.notification.queues.queue.queueUrl,
        FAILURE_QUEUE_URL: this.failures.queue.queueUrl,
      },
    });
    // The router quarantines a record it can never route (with its data and reason) into its failure queue.
    this.failures.queue.grantSendMessages(this.handler);
    for (const consumer of [props.payment, props.inventory, props.notification]) {
      consumer.queues.queue.grantSendMessages(this.handler);
    }
    this.handler.addEventSource(kinesisSource(props.orderEvents, this.failures.queue));
  }
}
