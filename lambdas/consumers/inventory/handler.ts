import { crashPoint } from '../../shared/crash-points.ts';
import { requireEnv } from '../../shared/env.ts';
import { consumerHandler } from '../consumer-handler.ts';
import { postEffect } from '../effect-client.ts';
import { reserveStock } from './reserve-stock.ts';

const serviceUrl = requireEnv('INVENTORY_SERVICE_URL');

export const handler = consumerHandler('inventory', async (message) => {
  const result = await reserveStock(message, {
    reserve: async (request, key) => {
      await postEffect(`${serviceUrl}/reservations`, request, key);
    },
  });
  crashPoint('inventory:after-effect-before-ack', message.eventId);
  return result;
});
