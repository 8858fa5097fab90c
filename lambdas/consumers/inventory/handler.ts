import { fifoConsumer, logger } from '../fifo-consumer.ts';

// Simple for now: acknowledges placed orders after logging them; stock reservation comes with its own service.
export const handler = fifoConsumer(async (message) => {
  logger.info('inventory noted', {
    eventId: message.eventId,
    orderId: message.aggregateId,
    eventType: message.eventType,
  });
});
