import { Logger } from '@aws-lambda-powertools/logger';
import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type Consumer, consumers, routes } from '../router/routing.ts';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { describeFailure, isDependencyUnavailable } from '../shared/dependency-failure.ts';
import { ConfigError, optionalEnv, requireEnv } from '../shared/env.ts';
import { type OrderEventMessage, orderEventMessageSchema } from '../shared/order-event-message.ts';
import { CircuitBreaker, defaultBreakerSettings } from './circuit-breaker.ts';
import {
  CircuitOpenError,
  InvocationEndingError,
  MalformedMessageError,
  OversizeMessageError,
  QuarantineFailedError,
  UnknownEventTypeError,
} from './errors.ts';
import { backoffSeconds, decideFailure, type RetryBudget } from './failure-policy.ts';
import { messageGroupOf, processGroupsConcurrently } from './group-concurrent.ts';
import { oldestAgeAtReceiveSeconds } from './message-age.ts';
import { ParkedMessages, releaseParked } from './parked-messages.ts';
import { quarantineMessage } from './quarantine.ts';

export const logger = new Logger();

/**
 * Largest body taken as an order event. The API refuses request bodies over 16 KiB, so the router's envelope of
 * an order stays well under this; a bigger body was not built by the router (and SQS allows up to 256 KiB).
 */
export const maxEventBytes = 64 * 1024;

/** Parses a queue message into the router's order-event shape, or says why it is not one. */
export function parseMessage(record: Pick<SQSRecord, 'messageId' | 'body'>): OrderEventMessage {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch (error) {
    throw new MalformedMessageError(record.messageId, 'body is not JSON', { cause: error });
  }
  const parsed = orderEventMessageSchema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new MalformedMessageError(record.messageId, reason, { cause: parsed.error });
  }
  return parsed.data;
}

/** Event types the router sends to `consumer` (routing.ts is the one table); any other type is permanent. */
export function acceptedEventTypes(consumer: Consumer): ReadonlySet<string> {
  return new Set([...routes].filter(([, targets]) => targets.includes(consumer)).map(([type]) => type));
}

/** Size check, parse, and type check: everything that makes a message permanently unprocessable. */
export function readMessage(
  record: Pick<SQSRecord, 'messageId' | 'body'>,
  consumer: Consumer,
  accepted: ReadonlySet<string> = acceptedEventTypes(consumer),
): OrderEventMessage {
  const bytes = Buffer.byteLength(record.body, 'utf8');
  if (bytes > maxEventBytes) throw new OversizeMessageError(record.messageId, bytes, maxEventBytes);
  const message = parseMessage(record);
  if (!accepted.has(message.eventType))
    throw new UnknownEventTypeError(record.messageId, consumer, message.eventType);
  return message;
}

export interface ConsumerSettings {
  consumer: Consumer;
  /** The queue the function reads (for ChangeMessageVisibility). */
  queueUrl: string;
  /** That queue's own DLQ, where quarantined copies go. */
  dlqUrl: string;
  budget: RetryBudget;
  /** Time kept back at the end of an invocation: a record is started only with more than this left, so the
   *  longest outbound call (5 s) always finishes before the function's timeout. Default 8 s, and never more
   *  than half of what the invocation had when it started. */
  reserveMs: number;
}

/**
 * From the environment the CDK construct sets (`QueueConsumer`): CONSUMER_NAME, QUEUE_URL, DLQ_URL,
 * MAX_ATTEMPTS, RETRY_BACKOFF_BASE_SECONDS (default 2), RETRY_BACKOFF_MAX_SECONDS (default 60),
 * OUTAGE_BUDGET_SECONDS (default 6 h), OUTAGE_BACKOFF_MAX_SECONDS (default 120) and INVOCATION_RESERVE_MS
 * (default 8000).
 */
export function consumerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ConsumerSettings {
  const consumer = requireEnv('CONSUMER_NAME', env);
  if (!(consumers as readonly string[]).includes(consumer))
    throw new ConfigError('CONSUMER_NAME', `must be one of ${consumers.join(', ')}, got "${consumer}"`);
  const positive = (name: string, fallback?: string) => {
    const raw = fallback === undefined ? requireEnv(name, env) : optionalEnv(name, fallback, env);
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new ConfigError(name, `must be a positive integer, got "${raw}"`);
    return value;
  };
  return {
    consumer: consumer as Consumer,
    queueUrl: requireEnv('QUEUE_URL', env),
    dlqUrl: requireEnv('DLQ_URL', env),
    budget: {
      maxAttempts: positive('MAX_ATTEMPTS'),
      backoffBaseSeconds: positive('RETRY_BACKOFF_BASE_SECONDS', '2'),
      backoffMaxSeconds: positive('RETRY_BACKOFF_MAX_SECONDS', '60'),
      outageBudgetSeconds: positive('OUTAGE_BUDGET_SECONDS', String(6 * 3600)),
      outageBackoffMaxSeconds: positive('OUTAGE_BACKOFF_MAX_SECONDS', '120'),
    },
    reserveMs: positive('INVOCATION_RESERVE_MS', '8000'),
  };
}

/** What one invocation saw, for the consumer's metrics. */
export interface BatchOutcome {
  /** Records that failed because a dependency was unavailable (each one a call that failed). */
  dependencyFailures: number;
  /** Records handed back untried: the breaker was open, or the invocation was running out of time. */
  handedBack: number;
  quarantined: number;
  /** Whether the breaker was open when the batch ended. */
  breakerOpen: boolean;
  /** Messages parked during the outage that were made visible at once because this batch closed the breaker. */
  released: number;
  /** Age of the batch's oldest message when it was received, in seconds (message-age.ts); null if unknown. */
  oldestAgeSeconds: number | null;
}

export interface FifoConsumerOptions {
  /** Default: from the environment (`consumerSettingsFromEnv`), read once when the handler module loads. */
  settings?: ConsumerSettings;
  sqs?: Pick<SQSClient, 'send'>;
  /** Jitter source for backoffs. Default Math.random. */
  random?: () => number;
  /** Clock. Default Date.now. */
  now?: () => number;
  breaker?: CircuitBreaker;
  /** Messages this container handed back during an outage (parked-messages.ts). Default: a new list. */
  parked?: ParkedMessages;
  /** Called once per invocation with what it saw (metrics). */
  onBatch?: (outcome: BatchOutcome) => void;
}

/**
 * A FIFO consumer Lambda. Each message is size-checked, parsed, type-checked and handed to `apply`; it is deleted
 * only after `apply` resolved — after the side effect. On a failure, `decideFailure` (failure-policy.ts) says:
 * - quarantine: the message is copied to its queue's DLQ with `holdline.*` attributes and then acknowledged,
 *   so later messages of its group go on;
 * - retry: the message fails, and the rest of ITS group only (other orders keep flowing); all of that group's
 *   failed messages get the backoff as their visibility timeout, so the group comes back in order.
 * The groups of a batch run side by side (group-concurrent.ts), each in order.
 * While the circuit breaker is open (a dependency is down), records are handed back untried with the outage
 * backoff, and a record is started only while the invocation has `reserveMs` left, so a hanging dependency never
 * times out the whole invocation.
 */
/** What applying a message did: `duplicate` when it was answered from its idempotency record, untouched. */
export type ApplyResult = 'applied' | 'duplicate';

export function fifoConsumer(
  apply: (message: OrderEventMessage, record: SQSRecord) => Promise<ApplyResult>,
  options: FifoConsumerOptions = {},
) {
  const settings = options.settings ?? consumerSettingsFromEnv();
  const sqs = options.sqs ?? new SQSClient(boundedAwsClient);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const breaker = options.breaker ?? new CircuitBreaker(defaultBreakerSettings);
  const parked = options.parked ?? new ParkedMessages();
  const accepted = acceptedEventTypes(settings.consumer);

  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) => {
    /** Backoff per message group that failed in this batch. */
    const retryAfter = new Map<string, number>();
    /** Groups of this batch that wait out an outage (not a failure of their own): parked when handed back. */
    const waitingOnOutage = new Set<string>();
    let closedBreaker = false;
    const outcome: BatchOutcome = {
      dependencyFailures: 0,
      handedBack: 0,
      quarantined: 0,
      breakerOpen: false,
      released: 0,
      oldestAgeSeconds: oldestAgeAtReceiveSeconds(event.Records, now()),
    };
    // A message received again carries a new receipt handle: the parked one is stale.
    for (const record of event.Records) parked.forget(record.messageId);
    // Never more than half the invocation: a function with a short timeout still gets work done.
    const reserveMs = Math.min(settings.reserveMs, context.getRemainingTimeInMillis() / 2);

    const attempt = async (record: SQSRecord) => {
      if (context.getRemainingTimeInMillis() < reserveMs)
        throw new InvocationEndingError(record.messageId, context.getRemainingTimeInMillis());
      if (!breaker.allow(now()))
        throw new CircuitOpenError(record.messageId, breaker.lastFailure ?? 'a dependency is unavailable');
      const message = readMessage(record, settings.consumer, accepted);
      // A duplicate proves nothing about the dependencies: during an outage, the copies a Debezium restart sends
      // again would otherwise make the breaker "healthy" and blame the next failure on its message (fault-campaign).
      if ((await apply(message, record)) === 'duplicate') return breaker.recordNeutral();
      if (breaker.openedAt !== undefined) closedBreaker = true;
      breaker.recordSuccess(now());
    };

    const recordHandler = async (record: SQSRecord) => {
      const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
      const sentAt = Number(record.attributes.SentTimestamp) || now();
      try {
        await attempt(record);
      } catch (error) {
        const at = now();
        const untried = error instanceof CircuitOpenError || error instanceof InvocationEndingError;
        // Health is read before this failure is recorded: "did others succeed while this one failed?"
        const dependenciesHealthy = !untried && breaker.healthy(at, record.messageId);
        if (untried) outcome.handedBack++;
        else if (isDependencyUnavailable(error)) {
          outcome.dependencyFailures++;
          breaker.recordDependencyFailure(at, describeFailure(error), record.messageId);
        }
        const decision = decideFailure(
          error,
          {
            receiveCount,
            sentAt,
            now: at,
            dependenciesHealthy,
            firstReceivedAt: Number(record.attributes.ApproximateFirstReceiveTimestamp) || undefined,
          },
          settings.budget,
          random,
        );
        const where = { messageId: record.messageId, group: messageGroupOf(record), receiveCount };
        if (decision.action === 'retry') {
          // A record that was never tried comes back as soon as the breaker lets a probe through (or at once,
          // when only the invocation's time ran out), never later than its own backoff.
          const delaySeconds =
            error instanceof InvocationEndingError
              ? 1
              : error instanceof CircuitOpenError
                ? Math.max(1, Math.min(decision.delaySeconds, Math.ceil(breaker.msUntilProbe(at) / 1000)))
                : decision.delaySeconds;
          if (!untried)
            logger.warn('message failed; retrying after backoff', {
              ...where,
              ...decision,
              delaySeconds,
              error,
            });
          retryAfter.set(messageGroupOf(record), delaySeconds);
          if (error instanceof CircuitOpenError || decision.cause === 'dependency')
            waitingOnOutage.add(messageGroupOf(record));
          else waitingOnOutage.delete(messageGroupOf(record));
          throw error;
        }
        try {
          await sqs.send(
            new SendMessageCommand(
              quarantineMessage(settings.dlqUrl, record, {
                ...decision,
                receiveCount,
                failedAt: new Date(at),
              }),
            ),
          );
        } catch (sendError) {
          retryAfter.set(
            messageGroupOf(record),
            backoffSeconds(receiveCount, settings.budget, random, settings.budget.backoffMaxSeconds),
          );
          logger.error('quarantine failed; retrying', { ...where, error: sendError as Error });
          throw new QuarantineFailedError(record.messageId, { cause: sendError });
        }
        outcome.quarantined++;
        // Returning acknowledges the message: it now lives in the DLQ, with its reason.
        logger.error('message quarantined', { ...where, ...decision, error: error as Error });
      }
    };

    // A batch whose every message failed is reported as such, not thrown, so the queue's redrive counts it.
    const response = await processGroupsConcurrently(event.Records, recordHandler);
    outcome.breakerOpen = breaker.state(now()) !== 'closed';
    if (outcome.handedBack > 0)
      logger.warn('records handed back untried', {
        handedBack: outcome.handedBack,
        breaker: breaker.state(now()),
        lastFailure: breaker.lastFailure,
      });
    // The dependency is back: what this container parked during the outage comes back now, not after its backoff.
    if (closedBreaker) {
      outcome.released = await releaseParked(sqs, settings.queueUrl, parked.takeReleasable(now()), (error) =>
        logger.warn('parked messages not released', { error: error as Error }),
      );
      if (outcome.released > 0) logger.info('dependency back: parked messages released', { ...outcome });
    }
    options.onBatch?.(outcome);
    await backOff(sqs, settings.queueUrl, event.Records, response.batchItemFailures, retryAfter);
    parkOutageWaits(parked, event.Records, response.batchItemFailures, retryAfter, waitingOnOutage, now());
    return response;
  });
}
/** Messages parked for longer than this are worth releasing early; a shorter wait ends soon anyway. */
const PARK_MIN_SECONDS = 5;

/** Remembers the handed-back messages of groups waiting out an outage, with when their backoff ends. */
function parkOutageWaits(
  parked: ParkedMessages,
  records: readonly SQSRecord[],
  failures: readonly SQSBatchItemFailure[],
  retryAfter: ReadonlyMap<string, number>,
  waitingOnOutage: ReadonlySet<string>,
  at: number,
): void {
  const failed = new Set(failures.map((f) => f.itemIdentifier));
  for (const record of records) {
    const group = messageGroupOf(record);
    const delay = retryAfter.get(group);
    if (!failed.has(record.messageId) || !waitingOnOutage.has(group) || delay === undefined) continue;
    if (delay >= PARK_MIN_SECONDS)
      parked.park({
        messageId: record.messageId,
        receiptHandle: record.receiptHandle,
        until: at + delay * 1000,
      });
  }
}

/**
 * Sets each failed message's visibility to its group's backoff: the message that failed and the ones skipped
 * behind it come back together, in order. Best effort: if this call fails, they come back after the queue's
 * visibility timeout instead (slower, still correct).
 */
async function backOff(
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  records: readonly SQSRecord[],
  failures: readonly SQSBatchItemFailure[],
  retryAfter: ReadonlyMap<string, number>,
): Promise<void> {
  const failed = new Set(failures.map((f) => f.itemIdentifier));
  const entries = records.flatMap((record, i) => {
    const delay = retryAfter.get(messageGroupOf(record));
    return failed.has(record.messageId) && delay !== undefined
      ? [{ Id: String(i), ReceiptHandle: record.receiptHandle, VisibilityTimeout: delay }]
      : [];
  });
  if (entries.length === 0) return;
  try {
    const out = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );
    for (const f of out.Failed ?? []) logger.warn('backoff not set', { code: f.Code, message: f.Message });
  } catch (error) {
    logger.warn('backoff not set', { error: error as Error });
  }
}
