import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { config } from '../config.ts';
import { kinesisSource } from '../event-sources.ts';
import { FailureQueue } from './failure-queue.ts';
import { HoldlineFunction } from './holdline-function.ts';
import { orderViewTable } from './order-view-table.ts';

/**
 * The read model: the `orders` table's change events (Kinesis) folded into a DynamoDB order-view table, with
 * its own on-failure queue so a stuck view never hides behind a routing failure.
 */
export class OrderViewProjection extends Construct {
  readonly table: Table;
  readonly handler: HoldlineFunction;
  readonly failures: FailureQueue;

  constructor(scope: Construct, id: string, orderChanges: IStream) {
    super(scope, id);
    this.table = orderViewTable(this, 'Table');
    this.failures = new FailureQueue(this, 'OrderViewFailures');
    this.handler = new HoldlineFunction(this, 'OrderView', {
      entry: 'lambdas/order-view/handler.ts',
      serviceName: 'order-view',
      timeout: config.orderViewTimeout,
      environment: {
        ORDER_VIEW_TABLE: this.table.tableName,
        FAILURE_QUEUE_URL: this.failures.queue.queueUrl,
      },
    });
    // The projection quarantines a change it can never apply (with its data and reason) into its failure queue.
    this.failures.queue.grantSendMessages(this.handler);
    this.table.grantReadWriteData(this.handler);
    Validations.of(this.handler).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.table.node.defaultChild as CfnElement)}.Arn>/index/*]`,
      reason:
        "CDK's table grant includes that one table's own indexes (<table>/index/*, here byCustomer); the " +
        'projection writes only the table, nothing wider.',
    });
    this.handler.addEventSource(kinesisSource(orderChanges, this.failures.queue));
  }
}
