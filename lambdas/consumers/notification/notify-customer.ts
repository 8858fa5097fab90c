import type { MailProvider } from '../../providers/mail-provider.ts';
import type { OrderEventMessage } from '../../shared/order-event-message.ts';

/** What the customer hears about, per event type; anything else is not worth a message. */
export const notifiedEvents: Readonly<Record<string, string>> = {
  OrderPlaced: 'We received your order',
  OrderConfirmed: 'Your payment went through',
  OrderPaymentFailed: 'Your payment was declined',
  OrderCancelled: 'Your order was cancelled',
};

/** The mail provider (lambdas/providers). No idempotency key: like most, a repeat is a second message. */
export type NotificationDeps = MailProvider;

export async function notifyCustomer(
  message: OrderEventMessage,
  deps: NotificationDeps,
): Promise<'ignored' | 'sent'> {
  const subject = notifiedEvents[message.eventType];
  if (!subject) return 'ignored';
  await deps.send({
    orderId: message.aggregateId,
    eventId: message.eventId,
    eventType: message.eventType,
    subject,
  });
  return 'sent';
}
