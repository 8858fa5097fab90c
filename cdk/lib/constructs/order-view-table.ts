import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

/** The read model the order-view Lambda maintains from the `orders` change stream (`pk`/`sk` strings). */
export function orderViewTable(scope: Construct, id: string): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  // A customer's orders, newest first (`GET /orders`). Sparse: delete markers and history items carry no
  // `customer_id`, so a deleted order leaves the index.
  table.addGlobalSecondaryIndex({
    indexName: 'byCustomer',
    partitionKey: { name: 'customer_id', type: AttributeType.STRING },
    sortKey: { name: 'created_at', type: AttributeType.STRING },
    projectionType: ProjectionType.ALL,
  });
  return table;
}
