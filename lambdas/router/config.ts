import { requireEnv } from '../shared/env.ts';
import type { Consumer } from './routing.ts';

/** Queue URL per consumer. */
export type QueueUrls = Readonly<Record<Consumer, string>>;

/**
 * The consumer queue URLs from `QUEUE_URL_PAYMENT`, `QUEUE_URL_INVENTORY`, `QUEUE_URL_NOTIFICATION` (set by
 * `cdk/lib/constructs/outbox-router.ts`). Throws ConfigError for a missing one: read at module scope, so a
 * misconfigured function fails its cold start instead of failing records one by one.
 */
export function queueUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): QueueUrls {
  return {
    payment: requireEnv('QUEUE_URL_PAYMENT', env),
    inventory: requireEnv('QUEUE_URL_INVENTORY', env),
    notification: requireEnv('QUEUE_URL_NOTIFICATION', env),
  };
}
