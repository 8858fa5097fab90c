import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderFromViewItem, queryByCustomer } from '../../../api/order-list.ts';
import type { Order } from '../../../orders/order.ts';

export interface CustomerOrders {
  orders: Order[];
  /** More orders exist than `limit`: the report holds the newest `limit`. */
  truncated: boolean;
}

/**
 * Every order of one customer from the order view's `byCustomer` index, newest first, page by page, up to
 * `limit` (a bound on one invocation's work). The view is the read model, so the export never loads the
 * database; it is eventually consistent, as `GET /orders` is.
 */
export async function customerOrders(
  doc: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
  customerId: string,
  limit: number,
): Promise<CustomerOrders> {
  const orders: Order[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryByCustomer(doc, tableName, customerId, { startKey });
    for (const item of page.Items ?? []) {
      if (item.deleted === true) continue;
      if (orders.length === limit) return { orders, truncated: true };
      orders.push(orderFromViewItem(item));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { orders, truncated: false };
}
