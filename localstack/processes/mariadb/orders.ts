import { v7 as uuidv7 } from 'uuid';
import { orderTotalCents, type PlaceOrder, placeOrderSchema } from '../../../lambdas/orders/order.ts';
import { type MariaDbLogin, mariaDbQuery, sqlString } from './client.ts';

/**
 * Writes orders into the MariaDB `orders` table the way the order store writes them into Postgres: the request
 * validated by the domain's schema, the domain's total, a UUIDv7 id, defaults for status and version. The one
 * place that inserts MariaDB orders; there is no MariaDB order store in the product (the API writes Postgres).
 */
export async function insertMariaDbOrder(app: MariaDbLogin, request: PlaceOrder): Promise<string> {
  const valid = placeOrderSchema.parse(request);
  const id = uuidv7();
  await mariaDbQuery(
    app,
    `INSERT INTO orders (id, customer_id, currency, total_cents, items) VALUES (${sqlString(id)}, ${sqlString(
      valid.customerId,
    )}, ${sqlString(valid.currency)}, ${orderTotalCents(valid.items)}, ${sqlString(JSON.stringify(valid.items))})`,
  );
  return id;
}

/**
 * `rows` orders in one statement from MariaDB's sequence engine (ids `00000000-0000-7000-8000-<seq>`), for a large
 * table fast; plus any `extra` order ids given (one line, total 1), left alone if present.
 */
export async function fillMariaDbOrders(admin: MariaDbLogin, rows: number, extra: readonly string[] = []) {
  const line = `'[{"sku":"A","quantity":1,"unitPriceCents":100}]'`;
  const extras = extra.map((id) => `(${sqlString(id)}, 'probe', 'EUR', 1, ${line})`).join(', ');
  await mariaDbQuery(
    admin,
    `INSERT INTO orders (id, customer_id, currency, total_cents, items)
       SELECT CONCAT('00000000-0000-7000-8000-', LPAD(seq, 12, '0')), CONCAT('c', seq % 97), 'EUR', 100, ${line}
       FROM seq_1_to_${Math.trunc(rows)}` +
      (extras
        ? `; INSERT IGNORE INTO orders (id, customer_id, currency, total_cents, items) VALUES ${extras}`
        : ''),
  );
}
