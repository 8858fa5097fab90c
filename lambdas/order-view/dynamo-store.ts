import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ViewWriteError } from './errors.ts';
import {
  type PutOutcome,
  toPutInput,
  toReadUpdateInput,
  type ViewStore,
  type ViewWrite,
} from './view-item.ts';

/** The view in DynamoDB: a failed guard is `superseded`; any other error is a ViewWriteError (the record retries). */
export function dynamoViewStore(doc: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): ViewStore {
  // A failed guard is an answer, not an error.
  const guarded = async (send: () => Promise<unknown>): Promise<PutOutcome> => {
    try {
      await send();
      return 'applied';
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return 'superseded';
      throw error;
    }
  };
  return async (write: ViewWrite): Promise<PutOutcome> => {
    try {
      const outcome = await guarded(() => doc.send(new PutCommand(toPutInput(tableName, write))));
      const { guard } = write;
      // A snapshot read over an existing item: the second step (view-item.ts, `read`).
      if (outcome === 'superseded' && guard.kind === 'read')
        return await guarded(() =>
          doc.send(new UpdateCommand(toReadUpdateInput(tableName, { ...write, guard }))),
        );
      return outcome;
    } catch (error) {
      const { orderId, sourceLsn } = write.item as { orderId?: unknown; sourceLsn?: unknown };
      throw new ViewWriteError(String(orderId), write.item.sk, Number(sourceLsn), { cause: error });
    }
  };
}
