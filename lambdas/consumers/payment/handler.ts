import { getOrder, transitionOrder } from '../../orders/order-store.ts';
import { sqlClientFromEnv } from '../../shared/db/from-env.ts';
import type { SqlClient } from '../../shared/db/sql-client.ts';
import { requireEnv } from '../../shared/env.ts';
import { fifoConsumer, logger } from '../fifo-consumer.ts';
import { chargeOrder } from './charge-client.ts';
import { handlePayment } from './handle-payment.ts';

const gatewayUrl = requireEnv('PAYMENT_GATEWAY_URL');
let db: Promise<SqlClient> | undefined;

export const handler = fifoConsumer(async (message) => {
  db ??= sqlClientFromEnv();
  const sql = await db;
  const result = await handlePayment(message, {
    getOrder: (id) => getOrder(sql, id),
    charge: (order) =>
      chargeOrder(gatewayUrl, { orderId: order.id, amountCents: order.totalCents, currency: order.currency }),
    transition: (change) => transitionOrder(sql, change),
  });
  logger.info('payment handled', { eventId: message.eventId, orderId: message.aggregateId, result });
});
