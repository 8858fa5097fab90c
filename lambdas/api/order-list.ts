import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Order, OrderItem, OrderStatus } from '../orders/order.ts';

/** The order view's GSI by customer (`customer_id`, `created_at`): see cdk/lib/constructs/order-view-table.ts. */
export const BY_CUSTOMER_INDEX = 'byCustomer';

/** A customer's newest orders from the eventually consistent order view (DynamoDB), newest first. */
export type OrderListReader = (customerId: string, limit: number) => Promise<Order[]>;

/** One order-view item (the `orders` row's columns as Debezium wrote them) as the API's Order shape. */
export function orderFromViewItem(item: Record<string, unknown>): Order {
  const items =
    typeof item.items === 'string' ? (JSON.parse(item.items) as OrderItem[]) : (item.items as OrderItem[]);
  return {
    id: String(item.orderId ?? item.id),
    customerId: String(item.customer_id),
    status: item.status as OrderStatus,
    currency: String(item.currency),
    totalCents: Number(item.total_cents),
    items,
    version: Number(item.version),
    createdAt: new Date(String(item.created_at)).toISOString(),
    updatedAt: new Date(String(item.updated_at)).toISOString(),
  };
}

/** One page of a customer's order-view items from the `byCustomer` index, newest first. */
export function queryByCustomer(
  doc: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
  customerId: string,
  page: { limit?: number; startKey?: Record<string, unknown> | undefined } = {},
) {
  return doc.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: BY_CUSTOMER_INDEX,
      KeyConditionExpression: 'customer_id = :c',
      ExpressionAttributeValues: { ':c': customerId },
      ScanIndexForward: false,
      ...(page.limit === undefined ? {} : { Limit: page.limit }),
      ...(page.startKey === undefined ? {} : { ExclusiveStartKey: page.startKey }),
    }),
  );
}

export function dynamoOrderList(
  doc: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
): OrderListReader {
  return async (customerId, limit) => {
    const out = await queryByCustomer(doc, tableName, customerId, { limit });
    return (out.Items ?? []).filter((item) => item.deleted !== true).map(orderFromViewItem);
  };
}
