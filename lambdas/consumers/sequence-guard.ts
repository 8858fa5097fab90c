import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { requireEnv } from '../shared/env.ts';
import type { OrderEventMessage } from '../shared/order-event-message.ts';
import { type ConsumerName, idempotencyKeyPrefix, idempotencyWindowSeconds } from './dedupe.ts';
import {
  judgeSequence,
  receivesEveryEventType,
  SEQUENCE_ANOMALIES_METRIC,
  type SequenceVerdict,
} from './sequence-order.ts';

export interface SequenceGuardOptions {
  /** The idempotency table: the last-sequence records live beside the idempotency records, same key and TTL. */
  tableName: string;
  /** How long a record is kept (the idempotency window). */
  windowSeconds: number;
  doc?: Pick<DynamoDBDocumentClient, 'send'>;
  now?: () => number;
}

/** The key of a consumer's last-sequence record for one order (never collides with `<prefix>#<md5>`). */
export const sequenceRecordId = (consumer: ConsumerName, aggregateId: string) =>
  `${idempotencyKeyPrefix(consumer)}#sequence#${aggregateId}`;

/**
 * Records the last `sequence` a consumer applied per order and judges each new one against it. The write is
 * conditional (`lastSequence < :sequence`), so concurrent or late writers can only move it forward; when the
 * condition fails the record is read back to name the newer sequence.
 *
 * Behaviour: the event has already been applied when the guard runs, and nothing is held or skipped. An event's
 * effect is guarded where it matters (payment by the order's version, inventory by its reservation key,
 * notification by the idempotency record), and holding a FIFO group on a gap would stall the order behind an
 * event that may sit in the DLQ. The guard makes the anomaly visible instead: a metric, an alarm, a log line.
 */
export function sequenceGuard(consumer: ConsumerName, options: SequenceGuardOptions) {
  const doc = options.doc ?? DynamoDBDocumentClient.from(new DynamoDBClient(boundedAwsClient));
  const now = options.now ?? Date.now;
  const checksGaps = receivesEveryEventType(consumer);

  async function lastSequence(id: string): Promise<number | undefined> {
    const out = await doc.send(new GetCommand({ TableName: options.tableName, Key: { id } }));
    return out.Item?.lastSequence as number | undefined;
  }

  return {
    async check(message: Pick<OrderEventMessage, 'aggregateId' | 'sequence' | 'eventId'>) {
      const id = sequenceRecordId(consumer, message.aggregateId);
      const update: UpdateCommandInput = {
        TableName: options.tableName,
        Key: { id },
        UpdateExpression: 'SET lastSequence = :sequence, eventId = :eventId, expiration = :expiration',
        ConditionExpression: 'attribute_not_exists(lastSequence) OR lastSequence < :sequence',
        ExpressionAttributeValues: {
          ':sequence': message.sequence,
          ':eventId': message.eventId,
          ':expiration': Math.floor(now() / 1000) + options.windowSeconds,
        },
        ReturnValues: 'ALL_OLD',
      };
      try {
        const out = await doc.send(new UpdateCommand(update));
        return judgeSequence(
          out.Attributes?.lastSequence as number | undefined,
          message.sequence,
          checksGaps,
        );
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        return judgeSequence(await lastSequence(id), message.sequence, checksGaps);
      }
    },
  };
}

export type SequenceGuard = ReturnType<typeof sequenceGuard>;

/** The guard of a consumer Lambda, from the environment the CDK construct sets (the idempotency table). */
export function sequenceGuardFromEnv(consumer: ConsumerName, env: NodeJS.ProcessEnv = process.env) {
  return sequenceGuard(consumer, {
    tableName: requireEnv('IDEMPOTENCY_TABLE', env),
    windowSeconds: idempotencyWindowSeconds(env.IDEMPOTENCY_EXPIRES_AFTER_SECONDS),
  });
}

/**
 * The consumer wiring's hook, after an event was applied: judges its sequence, and on an anomaly adds one to
 * `SequenceAnomalies` and logs both sequences. Never throws: the event is applied and must be acknowledged; a
 * guard that cannot reach its table is logged, not retried.
 */
export async function observeSequence(
  guard: SequenceGuard,
  message: OrderEventMessage,
  metrics: { addMetric(name: string, unit: typeof MetricUnit.Count, value: number): void },
  logger: { warn(message: string, attributes: Record<string, unknown>): void },
): Promise<SequenceVerdict | undefined> {
  try {
    const verdict = await guard.check(message);
    if (verdict.kind === 'in-order') return verdict;
    metrics.addMetric(SEQUENCE_ANOMALIES_METRIC, MetricUnit.Count, 1);
    logger.warn(`sequence ${verdict.kind}: applied anyway`, {
      orderId: message.aggregateId,
      eventId: message.eventId,
      eventType: message.eventType,
      lastSequence: verdict.lastSequence,
      sequence: verdict.sequence,
    });
    return verdict;
  } catch (error) {
    logger.warn('sequence not checked', { eventId: message.eventId, error: error as Error });
    return undefined;
  }
}
