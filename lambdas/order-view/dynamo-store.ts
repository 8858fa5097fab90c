import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ViewWriteError } from './errors.ts';
import { type PutOutcome, toPutInput, type ViewStore, type ViewWrite } from './view-item.ts';

/** The view in DynamoDB: a failed guard is `superseded`; any other error is a ViewWriteError (the record retries). */
export function dynamoViewStore(doc: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): ViewStore {
  return async (write: ViewWrite): Promise<PutOutcome> => {
    try {
      await doc.send(new PutCommand(toPutInput(tableName, write)));
      return 'applied';
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return 'superseded';
      const { orderId, sourceLsn } = write.item as { orderId?: unknown; sourceLsn?: unknown };
      throw new ViewWriteError(String(orderId), write.item.sk, Number(sourceLsn), { cause: error });
    }
  };
}
