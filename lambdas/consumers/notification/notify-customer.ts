import type { OrderEventMessage } from '../../shared/order-event-message.ts';

/** What the customer hears about, per event type; anything else is not worth a message. */
export const notifiedEvents: Readonly<Record<string, string>> = {
  OrderPlaced: 'We received your order',
  OrderConfirmed: 'Your payment went through',
  OrderPaymentFailed: 'Your payment was declined',
  OrderCancelled: 'Your order was cancelled',
};

export interface NotificationDeps {
  /** Sends one message. No idempotency key: like most mail providers, a repeat is a second message. */
  send(message: { orderId: string; eventId: string; eventType: string; subject: string }): Promise<void>;
}

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
