import { CONSUMERS, queueUrlEnv } from '../shared/consumers.ts';
import { requireEnv } from '../shared/env.ts';
import type { Consumer } from './routing.ts';

/** Queue URL per consumer. */
export type QueueUrls = Readonly<Record<Consumer, string>>;

/**
 * The consumer queue URLs from `QUEUE_URL_<CONSUMER>` (`queueUrlEnv`, set by `cdk/lib/constructs/outbox-router.ts`).
 * Throws ConfigError for a missing one: read at module scope, so a misconfigured function fails its cold start
 * instead of failing records one by one.
 */
export function queueUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): QueueUrls {
  return Object.fromEntries(CONSUMERS.map((c) => [c, requireEnv(queueUrlEnv(c), env)])) as Record<
    Consumer,
    string
  >;
}
