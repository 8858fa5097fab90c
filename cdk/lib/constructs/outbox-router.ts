import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { CONSUMERS, type ConsumerName, queueUrlEnv } from '../../../lambdas/shared/consumers.ts';
import { config } from '../config.ts';
import { kinesisSource } from '../event-sources.ts';
import { FailureQueue } from './failure-queue.ts';
import { HoldlineFunction } from './holdline-function.ts';
import type { QueueConsumer } from './queue-consumer.ts';

/** The stream, and each consumer by its name (lambdas/shared/consumers.ts). */
export type OutboxRouterProps = { orderEvents: IStream } & Record<ConsumerName, QueueConsumer>;

/**
 * The fan-out: reads outbox events from Kinesis and sends each to the consumers' FIFO queues (group = order
 * id, dedup id = event id). A record it cannot route is quarantined in `failures`, with its data and reason.
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
        ...Object.fromEntries(CONSUMERS.map((c) => [queueUrlEnv(c), props[c].queues.queue.queueUrl])),
        FAILURE_QUEUE_URL: this.failures.queue.queueUrl,
      },
    });
    // The router quarantines a record it can never route (with its data and reason) into its failure queue.
    this.failures.queue.grantSendMessages(this.handler);
    for (const c of CONSUMERS) props[c].queues.queue.grantSendMessages(this.handler);
    this.handler.addEventSource(kinesisSource(props.orderEvents, this.failures.queue));
  }
}
