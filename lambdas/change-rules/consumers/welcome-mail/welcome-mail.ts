import type { RuleMessage } from '../../rule-message.ts';

/** What the mail provider is asked to send. */
export interface WelcomeMail {
  /** The change id: the mail provider does not dedupe (like most), so the consumer's dedupe must. */
  eventId: string;
  /** The stand-in's log keys effects by `orderId`; here it is the customer. */
  orderId: string;
  eventType: 'WelcomeMail';
  to: string;
  subject: string;
}

/** The welcome mail for a new customer row; `skipped` when the row has no email. */
export function welcomeMail(message: RuleMessage): WelcomeMail | undefined {
  const email = message.after?.email;
  if (typeof email !== 'string' || email === '') return undefined;
  const name = typeof message.after?.name === 'string' ? message.after.name : 'there';
  return {
    eventId: message.changeId,
    orderId: message.key,
    eventType: 'WelcomeMail',
    to: email,
    subject: `Welcome, ${name}`,
  };
}
