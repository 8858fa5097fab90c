import { httpMail } from '../../providers/mail-provider.ts';
import { crashPoint } from '../../shared/crash-points.ts';
import { requireEnv } from '../../shared/env.ts';
import { consumerHandler } from '../consumer-handler.ts';
import { notifyCustomer } from './notify-customer.ts';

const mail = httpMail(requireEnv('NOTIFICATION_SERVICE_URL'));

export const handler = consumerHandler('notification', async (message) => {
  const result = await notifyCustomer(message, mail);
  crashPoint('notification:after-effect-before-ack', message.eventId);
  return result;
});
