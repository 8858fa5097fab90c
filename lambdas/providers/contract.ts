/**
 * The HTTP contract between the consumers and the outside world (docs/providers.md), in one place: the paths
 * under each provider's base URL, the header that carries the idempotency key, and how long a call may take.
 * The HTTP adapters speak it, the stub providers' function answers it, and so do the local stand-ins.
 */

/** `POST` a charge, `GET ?idempotencyKey=` to look one up, under the payment gateway's base URL. */
export const CHARGES_PATH = '/charges';
/** `POST` a stock reservation under the warehouse's base URL. */
export const RESERVATIONS_PATH = '/reservations';
/** `POST` a customer message under the mail provider's base URL. */
export const MESSAGES_PATH = '/messages';

/** The request header carrying the idempotency key (payment: the order id; warehouse: `reservation:<order id>`). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/**
 * Longest a provider call may take, connect to last byte. Default 5 s: six calls' worth of the consumer's 30 s
 * timeout, so a hung provider is an outage the consumer notices (a TimeoutError), never a timed-out invocation.
 */
export const PROVIDER_TIMEOUT_MS = 5000;
