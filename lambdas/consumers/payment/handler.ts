import { getOrder, transitionOrder } from '../../orders/order-store.ts';
import { httpPaymentProvider } from '../../providers/payment-provider.ts';
import { crashPoint } from '../../shared/crash-points.ts';
import { sqlClientFromEnv } from '../../shared/db/from-env.ts';
import { requireEnv } from '../../shared/env.ts';
import { lazy } from '../../shared/lazy.ts';
import { consumerHandler } from '../consumer-handler.ts';
import { handlePayment } from './handle-payment.ts';

const gateway = httpPaymentProvider(requireEnv('PAYMENT_GATEWAY_URL'));
const db = lazy(sqlClientFromEnv);

export const handler = consumerHandler('payment', async (message) => {
  const sql = await db();
  return handlePayment(message, {
    getOrder: (id) => getOrder(sql, id),
    charge: async (order) => {
      const charge = await gateway.charge({
        orderId: order.id,
        amountCents: order.totalCents,
        currency: order.currency,
      });
      // Drills only (see crash-points.ts): the charge is made, the order not yet moved, the message not acked.
      crashPoint('payment:after-charge-before-ack', message.eventId);
      return charge;
    },
    transition: (change) => transitionOrder(sql, change),
  });
});
