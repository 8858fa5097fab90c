/**
 * The consumers change rules can target, defined once: the stack gives each a FIFO queue and DLQ, the change
 * router sends to them (`changeQueueUrlEnv`), the rules name them (cdk/lib/change-rules.ts).
 */
export const CHANGE_CONSUMERS = ['welcome-mail', 'audit-log', 'report-export'] as const;
export type ChangeConsumerName = (typeof CHANGE_CONSUMERS)[number];

/** The change router's environment variable holding a consumer's queue URL: `CHANGE_QUEUE_URL_WELCOME_MAIL`, … */
export function changeQueueUrlEnv(consumer: ChangeConsumerName): string {
  return `CHANGE_QUEUE_URL_${consumer.toUpperCase().replace(/-/g, '_')}`;
}

/** The change router's variable for a consumer's low-priority (bulk) queue: `CHANGE_BULK_QUEUE_URL_AUDIT_LOG`, … */
export function changeBulkQueueUrlEnv(consumer: ChangeConsumerName): string {
  return `CHANGE_BULK_QUEUE_URL_${consumer.toUpperCase().replace(/-/g, '_')}`;
}

/** The variable holding the rule set (JSON of `ChangeRule[]`), set by the stack from the CDK config. */
export const CHANGE_RULES_ENV = 'CHANGE_RULES';
