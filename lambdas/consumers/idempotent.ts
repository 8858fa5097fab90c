import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { awsCallBoundMs, boundedAwsClient } from '../shared/aws-client.ts';
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
  /**
   * Runs the step at most once per event id within the window; a duplicate is answered from the record. Once the
   * step has run, the delivery is `applied` even if its COMPLETED record could not be saved (see `unsaved`).
   */
  handle(message: OrderEventMessage): Promise<Delivery>;
  /**
   * Call once per invocation, before any message: the in-progress record then expires with the invocation
   * (its remaining time), so a process that died mid-message does not block the redelivery for the whole window.
   */
  registerContext(context: Context): void;
}

/** Test seams; a Lambda uses the defaults. */
export interface IdempotentOptions {
  /** The idempotency table's client. Default: one with `boundedAwsClient`'s limits. */
  client?: DynamoDBClient;
  /** The longest one save can take with that client (all its attempts). Default: `awsCallBoundMs`. */
  saveBoundMs?: number;
  /** Remaining time when no Lambda context was registered. Default: none, so the save is not retried. */
  remainingMs?: () => number;
}

type SaveArgs = Parameters<DynamoDBPersistenceLayer['saveSuccess']>;

/** Pause between tries of a failed COMPLETED save: short, since the invocation's time is what it spends. */
const saveRetryPauseMs = (attempt: number) => Math.min(250 * 2 ** attempt, 2_000);
/** Time kept back after the last save try, for the batch response. */
const saveRetryReserveMs = 1_000;

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
  options: IdempotentOptions = {},
): Idempotent {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: EVENT_KEY_PATH,
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: idempotencyWindowSeconds(env.IDEMPOTENCY_EXPIRES_AFTER_SECONDS),
    // Called only when the answer comes from a COMPLETED record: that is how a duplicate is told apart.
    responseHook: (response) => markReplayed(response as unknown as Applied) as never,
  });
  const tableName = requireEnv('IDEMPOTENCY_TABLE', env);
  const persistenceStore = options.client
    ? new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: options.client })
    : new DynamoDBPersistenceLayer({ tableName, clientConfig: boundedAwsClient });
  const saveBoundMs = options.saveBoundMs ?? awsCallBoundMs;
  let requestId = 'unregistered';
  let remainingMs = options.remainingMs ?? (() => 0);
  // The steps that ran, by message (the same object Powertools passes through): what to save if the save failed.
  const ran = new WeakMap<OrderEventMessage, Applied>();
  const once = makeIdempotent(
    async (message: OrderEventMessage): Promise<Applied> => {
      const applied = { outcome: await step(message), appliedBy: requestId };
      ran.set(message, applied);
      return applied;
    },
    { persistenceStore, config, keyPrefix: idempotencyKeyPrefix(name) },
  );

  /** Tries the COMPLETED save again while a whole try still fits in the invocation; the last error if none took. */
  async function saveAgain(message: OrderEventMessage, applied: Applied, error: unknown): Promise<unknown> {
    let last = error;
    for (let attempt = 0; ; attempt++) {
      const pause = saveRetryPauseMs(attempt);
      if (remainingMs() < pause + saveBoundMs + saveRetryReserveMs) return last;
      await new Promise((resolve) => setTimeout(resolve, pause));
      try {
        // The same arguments Powertools' own save had (its JSON types take no interface; the schema ensures JSON).
        await persistenceStore.saveSuccess(...([message, applied] as unknown as SaveArgs));
        return undefined;
      } catch (retryError) {
        last = retryError;
      }
    }
  }

  return {
    handle: async (message) => {
      try {
        return classify(await once(message));
      } catch (error) {
        const applied = ran.get(message);
        // The step failed, or never ran (in progress elsewhere, the store down before it): the message is retried.
        if (!applied) throw error;
        // The side effect happened and only its COMPLETED record failed to save (the table unreachable).
        // Failing the message now would run the effect again once the INPROGRESS record lapses with this
        // invocation: fault-campaign's duplicate mails. So the record is retried while time allows, and the
        // message is acknowledged either way; left unsaved, only a later copy of the event could repeat it.
        const unsaved = await saveAgain(message, applied, error);
        return unsaved === undefined ? { kind: 'applied', applied } : { kind: 'applied', applied, unsaved };
      }
    },
    registerContext(context) {
      config.registerLambdaContext(context);
      requestId = context.awsRequestId;
      remainingMs = () => context.getRemainingTimeInMillis();
    },
  };
}
