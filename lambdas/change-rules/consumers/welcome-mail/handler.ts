import { httpMail } from '../../../providers/mail-provider.ts';
import { requireEnv } from '../../../shared/env.ts';
import { changeConsumer } from '../change-consumer.ts';
import { welcomeMail } from './welcome-mail.ts';

// The notification consumer's mail provider (docs/providers.md); locally the side-effects stand-in, whose request
// log is the sent mail.
const mail = httpMail(requireEnv('NOTIFICATION_SERVICE_URL'));

export const handler = changeConsumer('welcome-mail', async (message) => {
  const welcome = welcomeMail(message);
  if (!welcome) return 'skipped: no email';
  await mail.send(welcome);
  return 'sent';
});
