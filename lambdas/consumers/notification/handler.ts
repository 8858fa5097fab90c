import { fifoConsumer, logger } from '../fifo-consumer.ts';

// Simple for now: the "notification" is a structured log line per event the customer would hear about.
export const handler = fifoConsumer(async (message) => {
  logger.info('customer notified', {
    eventId: message.eventId,
    orderId: message.aggregateId,
    eventType: message.eventType,
  });
});
