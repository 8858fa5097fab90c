import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { boundedAwsClient } from '../../../shared/aws-client.ts';
import { requireEnv } from '../../../shared/env.ts';
import { changeConsumer } from '../change-consumer.ts';
import { auditEntry } from './audit-entry.ts';

const tableName = requireEnv('AUDIT_LOG_TABLE');
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(boundedAwsClient), {
  marshallOptions: { removeUndefinedValues: true },
});

export const handler = changeConsumer('audit-log', async (message) => {
  try {
    // Append-only: an item is written once and never overwritten, whatever repeats reach here.
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: auditEntry(message),
        ConditionExpression: 'attribute_not_exists(entity)',
      }),
    );
    return 'appended';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'already-logged';
    throw error;
  }
});
