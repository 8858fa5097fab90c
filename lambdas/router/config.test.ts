import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/env.ts';
import { queueUrlsFromEnv } from './config.ts';

const env = {
  QUEUE_URL_PAYMENT: 'http://sqs/payment.fifo',
  QUEUE_URL_INVENTORY: 'http://sqs/inventory.fifo',
  QUEUE_URL_NOTIFICATION: 'http://sqs/notification.fifo',
};

describe('queueUrlsFromEnv', () => {
  it('reads one queue URL per consumer', () => {
    expect(queueUrlsFromEnv(env)).toEqual({
      payment: 'http://sqs/payment.fifo',
      inventory: 'http://sqs/inventory.fifo',
      notification: 'http://sqs/notification.fifo',
    });
  });

  it('names the missing variable', () => {
    const { QUEUE_URL_INVENTORY: _, ...withoutInventory } = env;

    expect(() => queueUrlsFromEnv(withoutInventory)).toThrow(ConfigError);
    expect(() => queueUrlsFromEnv(withoutInventory)).toThrow(/QUEUE_URL_INVENTORY/);
  });
});
