import {
  type AttributeValue,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { CheckContext } from '../types.ts';
import { clientConfig, eventually, rejection } from './util.ts';

export const ddbClient = (ctx: CheckContext): DynamoDBClient =>
  new DynamoDBClient(clientConfig(ctx.endpoint));

// One table per run, shaped like the Powertools idempotency table (string PK `id`); created once and shared.
const tables = new Map<string, Promise<{ name: string; activeAfterMs: number }>>();

export function table(
  ddb: DynamoDBClient,
  ctx: CheckContext,
): Promise<{ name: string; activeAfterMs: number }> {
  let existing = tables.get(ctx.prefix);
  if (!existing) {
    existing = (async () => {
      const name = `${ctx.prefix}-idempotency`;
      const started = Date.now();
      await ddb.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const active = await eventually(
        async () => {
          const d = await ddb.send(new DescribeTableCommand({ TableName: name }));
          return d.Table?.TableStatus === 'ACTIVE' ? true : undefined;
        },
        15_000,
        100,
      );
      if (!active) throw new Error('table never became ACTIVE within 15 s');
      return { name, activeAfterMs: Date.now() - started };
    })();
    tables.set(ctx.prefix, existing);
  }
  return existing;
}

export const S = (s: string): AttributeValue => ({ S: s });
export const N = (n: number): AttributeValue => ({ N: String(n) });

/** Powertools' own write condition (DynamoDBPersistenceLayer._putRecord, v2.35), verbatim. */
export function powertoolsPut(tableName: string, item: Record<string, AttributeValue>): PutItemCommandInput {
  const now = Date.now();
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression:
      'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
    ExpressionAttributeNames: {
      '#id': 'id',
      '#expiry': 'expiration',
      '#status': 'status',
      '#in_progress_expiry': 'in_progress_expiration',
    },
    ExpressionAttributeValues: {
      ':now': N(now / 1000),
      ':now_in_millis': N(now),
      ':inprogress': S('INPROGRESS'),
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** Seeds `existing` (if any) unconditionally, then tries the Powertools write; returns the rejection, if any. */
export async function tryPowertoolsPut(
  ddb: DynamoDBClient,
  tableName: string,
  id: string,
  existing: Record<string, AttributeValue> | undefined,
): Promise<unknown> {
  if (existing)
    await ddb.send(new PutItemCommand({ TableName: tableName, Item: { id: S(id), ...existing } }));
  return rejection(() =>
    ddb.send(
      new PutItemCommand(powertoolsPut(tableName, { id: S(id), status: S('INPROGRESS'), data: S('new') })),
    ),
  );
}
