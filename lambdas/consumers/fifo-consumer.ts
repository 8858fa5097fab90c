import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type OrderEventMessage, orderEventMessageSchema } from '../shared/order-event-message.ts';
import { MalformedMessageError } from './errors.ts';

export const logger = new Logger();

/** Parses a queue message into the router's order-event shape, or says why it is not one. */
export function parseMessage(record: Pick<SQSRecord, 'messageId' | 'body'>): OrderEventMessage {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch (error) {
    throw new MalformedMessageError(record.messageId, 'body is not JSON', { cause: error });
  }
  const parsed = orderEventMessageSchema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new MalformedMessageError(record.messageId, reason, { cause: parsed.error });
  }
  return parsed.data;
}

/**
 * A FIFO consumer Lambda: each message is parsed and handed to `apply`; a failure fails that message and the
 * rest of ITS message group only (skipGroupOnError), so other orders keep flowing, and the message is deleted
 * only after `apply` resolved — after the side effect.
 */
export function fifoConsumer(apply: (message: OrderEventMessage, record: SQSRecord) => Promise<void>) {
  const recordHandler = async (record: SQSRecord) => {
    const message = parseMessage(record);
    try {
      await apply(message, record);
    } catch (error) {
      logger.error('message failed', {
        eventId: message.eventId,
        orderId: message.aggregateId,
        error: error as Error,
      });
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler((event, context) =>
    processPartialResponse(event, recordHandler, new SqsFifoPartialProcessorAsync(), {
      context,
      skipGroupOnError: true,
      // A batch whose every message failed is reported as such, not thrown, so the queue's redrive counts it.
      throwOnFullBatchFailure: false,
    }),
  );
}
