import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { requireEnv } from '../shared/env.ts';
import type { OrderEventMessage } from '../shared/order-event-message.ts';
import {
  type Applied,
  type ConsumerName,
  classify,
  type Delivery,
  EVENT_KEY_PATH,
  idempotencyKeyPrefix,
  idempotencyWindowSeconds,
  markReplayed,
} from './dedupe.ts';

/** A consumer's side effect for one event; returns its outcome (stored, and answered to duplicates). */
export type ApplyStep = (message: OrderEventMessage) => Promise<string>;

export interface Idempotent {
  /** Runs the step at most once per event id within the window; a duplicate is answered from the record. */
  handle(message: OrderEventMessage): Promise<Delivery>;
  /**
   * Call once per invocation, before any message: the in-progress record then expires with the invocation
   * (its remaining time), so a process that died mid-message does not block the redelivery for the whole window.
   */
  registerContext(context: Context): void;
}

/**
 * Powertools idempotency over DynamoDB (`IDEMPOTENCY_TABLE`), keyed on the event id under a per-consumer prefix,
 * with records kept `IDEMPOTENCY_EXPIRES_AFTER_SECONDS`. Record life cycle: INPROGRESS is written (conditionally)
 * before the step runs, COMPLETED with the outcome after it; if the step throws the record is deleted so the
 * retry runs it again. Powertools compares the expiry timestamps itself, so an expired record is treated as absent
 * whether or not DynamoDB's TTL has deleted it yet (TTL only tidies up).
 */
export function idempotent(
  name: ConsumerName,
  step: ApplyStep,
  env: NodeJS.ProcessEnv = process.env,
): Idempotent {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: EVENT_KEY_PATH,
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: idempotencyWindowSeconds(env.IDEMPOTENCY_EXPIRES_AFTER_SECONDS),
    // Called only when the answer comes from a COMPLETED record: that is how a duplicate is told apart.
    responseHook: (response) => markReplayed(response as unknown as Applied) as never,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: requireEnv('IDEMPOTENCY_TABLE', env),
    clientConfig: boundedAwsClient,
  });
  let requestId = 'unregistered';
  const once = makeIdempotent(
    async (message: OrderEventMessage): Promise<Applied> => ({
      outcome: await step(message),
      appliedBy: requestId,
    }),
    { persistenceStore, config, keyPrefix: idempotencyKeyPrefix(name) },
  );
  return {
    handle: async (message) => classify(await once(message)),
    registerContext(context) {
      config.registerLambdaContext(context);
      requestId = context.awsRequestId;
    },
  };
}
