/**
 * The queue consumers, defined once: the router routes to them, the stack gives each a FIFO queue and DLQ (stack
 * outputs `<Name>QueueUrl` / `<Name>DlqUrl`), and the tools and drills address them by these names.
 */
export const CONSUMERS = ['payment', 'inventory', 'notification'] as const;
export type ConsumerName = (typeof CONSUMERS)[number];

/** The router's environment variable holding a consumer's queue URL: `QUEUE_URL_PAYMENT`, … */
export function queueUrlEnv(consumer: ConsumerName) {
  return `QUEUE_URL_${consumer.toUpperCase()}` as `QUEUE_URL_${Uppercase<ConsumerName>}`;
}

/** The stack output holding a consumer's queue or DLQ URL: `PaymentQueueUrl`, `NotificationDlqUrl`, … */
export function queueOutputId(consumer: ConsumerName, kind: 'Queue' | 'Dlq') {
  return `${consumer[0]!.toUpperCase()}${consumer.slice(1)}${kind}Url` as `${Capitalize<ConsumerName>}${typeof kind}Url`;
}
