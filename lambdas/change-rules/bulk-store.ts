import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BulkMark } from './bulk.ts';

/** Remembers bulk transactions across router invocations (a transaction's rows span many batches). */
export interface BulkStore {
  get(txIds: readonly number[]): Promise<Map<number, BulkMark>>;
  put(marks: readonly BulkMark[]): Promise<void>;
}

/** DynamoDB: pk `txId` (number), `expiresAt` TTL. A day is longer than any transaction takes to stream by. */
export function dynamoBulkStore(
  doc: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
  ttlSeconds = 24 * 3600,
): BulkStore {
  return {
    async get(txIds) {
      const found = new Map<number, BulkMark>();
      for (let i = 0; i < txIds.length; i += 100) {
        const keys = txIds.slice(i, i + 100).map((txId) => ({ txId }));
        let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
          [tableName]: { Keys: keys },
        };
        while (request && Object.keys(request).length > 0) {
          const out = await doc.send(new BatchGetCommand({ RequestItems: request }));
          for (const item of out.Responses?.[tableName] ?? [])
            found.set(item.txId as number, {
              txId: item.txId as number,
              reason: item.reason as BulkMark['reason'],
              migration: item.migration as string,
            });
          request = out.UnprocessedKeys as typeof request;
        }
      }
      return found;
    },
    async put(marks) {
      const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
      for (let i = 0; i < marks.length; i += 25) {
        let request: Record<string, unknown[]> | undefined = {
          [tableName]: marks.slice(i, i + 25).map((m) => ({ PutRequest: { Item: { ...m, expiresAt } } })),
        };
        while (request && Object.keys(request).length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: request as never }));
          request = out.UnprocessedItems as typeof request;
        }
      }
    },
  };
}
