import { postEffect } from '../../../consumers/effect-client.ts';
import { requireEnv } from '../../../shared/env.ts';
import { changeConsumer } from '../change-consumer.ts';
import { welcomeMail } from './welcome-mail.ts';

// TEST DOUBLE for a mail provider: locally the side-effects stand-in, whose request log is the sent mail.
const serviceUrl = requireEnv('NOTIFICATION_SERVICE_URL');

export const handler = changeConsumer('welcome-mail', async (message) => {
  const mail = welcomeMail(message);
  if (!mail) return 'skipped: no email';
  await postEffect(`${serviceUrl}/messages`, { ...mail });
  return 'sent';
});
