import { postEffect } from '../consumers/effect-client.ts';
import { MESSAGES_PATH, PROVIDER_TIMEOUT_MS } from './contract.ts';

/** One message to a customer. `orderId` keys it (for a welcome mail, the customer's id). */
export interface MailMessage {
  eventId: string;
  orderId: string;
  eventType: string;
  subject: string;
  /** The address, when the sender knows it (the welcome mail); else the provider looks the customer up. */
  to?: string;
}

/**
 * The mail provider, as the notification and welcome-mail consumers use it. No idempotency key: like most mail
 * providers, a repeat is a second message, so the consumers' own dedupe is the only protection. Errors as the
 * warehouse's: unreachable, 5xx or 408/429 is an outage; any other 4xx is permanent.
 */
export interface MailProvider {
  send(message: MailMessage): Promise<void>;
}

/** The mail provider over the HTTP contract (`POST /messages`) at `baseUrl`. */
export function httpMail(baseUrl: string, timeoutMs = PROVIDER_TIMEOUT_MS): MailProvider {
  return {
    send: async (message) => {
      await postEffect(`${baseUrl}${MESSAGES_PATH}`, { ...message }, undefined, timeoutMs);
    },
  };
}
