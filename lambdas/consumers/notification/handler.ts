import { crashPoint } from '../../shared/crash-points.ts';
import { requireEnv } from '../../shared/env.ts';
import { consumerHandler } from '../consumer-handler.ts';
import { postEffect } from '../effect-client.ts';
import { notifyCustomer } from './notify-customer.ts';

const serviceUrl = requireEnv('NOTIFICATION_SERVICE_URL');

export const handler = consumerHandler('notification', async (message) => {
  const result = await notifyCustomer(message, {
    send: async (body) => {
      await postEffect(`${serviceUrl}/messages`, body);
    },
  });
  crashPoint('notification:after-effect-before-ack', message.eventId);
  return result;
});
