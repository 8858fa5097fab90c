import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { idempotencyWindowSeconds } from '../../consumers/dedupe.ts';
import { boundedAwsClient } from '../../shared/aws-client.ts';
import type { ChangeConsumerName } from '../../shared/change-consumers.ts';
import { describeIssues } from '../../shared/debezium-record.ts';
import { requireEnv } from '../../shared/env.ts';
import { MalformedRuleMessageError } from '../errors.ts';
import { type BulkSummary, bulkSummarySchema, type RuleMessage, ruleMessageSchema } from '../rule-message.ts';

export const logger = new Logger();

/** A change consumer's work for one change; returns its outcome (stored, and answered to duplicates). */
export type ChangeStep = (message: RuleMessage) => Promise<string>;

/** Parses a queue message into a rule message or a bulk summary, or says why it is neither. */
export function readRuleMessage(record: Pick<SQSRecord, 'messageId' | 'body'>): RuleMessage | BulkSummary {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch (error) {
    throw new MalformedRuleMessageError(record.messageId, 'body is not JSON', { cause: error });
  }
  if ((json as { kind?: unknown })?.kind === 'bulk-summary') {
    const summary = bulkSummarySchema.safeParse(json);
    if (!summary.success)
      throw new MalformedRuleMessageError(record.messageId, describeIssues(summary.error));
    return summary.data;
  }
  const parsed = ruleMessageSchema.safeParse(json);
  if (!parsed.success) throw new MalformedRuleMessageError(record.messageId, describeIssues(parsed.error));
  return parsed.data;
}

/**
 * A change consumer Lambda: FIFO batch (a failed message stops the rest of its group, so a row's work stays in
 * order), and each change's work run once per `changeId` with the order consumers' dedupe: Powertools
 * idempotency on the same table (`IDEMPOTENCY_TABLE`), a prefix per consumer, the same window. A failure is
 * retried by SQS and ends in the queue's DLQ after the redrive count.
 */
export function changeConsumer(name: ChangeConsumerName, step: ChangeStep, env = process.env) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'changeId',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: idempotencyWindowSeconds(env.IDEMPOTENCY_EXPIRES_AFTER_SECONDS),
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: requireEnv('IDEMPOTENCY_TABLE', env),
    clientConfig: boundedAwsClient,
  });
  const once = makeIdempotent(step, { persistenceStore, config, keyPrefix: `holdline-${name}` });
  const processor = new SqsFifoPartialProcessorAsync();
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event, context) => {
      config.registerLambdaContext(context);
      return processPartialResponse(
        event,
        async (record: SQSRecord) => {
          const message = readRuleMessage(record);
          if ('kind' in message) {
            // A skipped bulk transaction: its one summary is the whole of the work (logged, the evidence).
            logger.info('bulk change summarised', { consumer: name, ...message });
            return;
          }
          const outcome = await once(message);
          logger.info('change handled', {
            consumer: name,
            rule: message.rule,
            changeId: message.changeId,
            table: message.table,
            key: message.key,
            lsn: message.lsn,
            outcome,
          });
        },
        processor,
        // A failed change holds only its own group (its row); other rows go on.
        { context, skipGroupOnError: true },
      );
    });
}
