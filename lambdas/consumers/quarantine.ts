import type { MessageAttributeValue, SendMessageCommandInput } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { quarantineAttributes } from '../shared/quarantine-attributes.ts';

/** SQS allows 10 message attributes; ours take 5, so at most 5 of the original's are carried over. */
const maxAttributes = 10;

export interface QuarantineInfo {
  reason: string;
  errorName: string;
  receiveCount: number;
  failedAt: Date;
}

/**
 * The copy of `record` that goes to its queue's DLQ: the same body and group (so a replay keeps the order's
 * sequence), the original attributes plus the `holdline.*` ones, and a deduplication id derived from the source
 * message id — if the copy is sent but the ack is lost, the redelivered message's second copy is dropped by SQS.
 */
export function quarantineMessage(
  dlqUrl: string,
  record: SQSRecord,
  info: QuarantineInfo,
): SendMessageCommandInput {
  const ours: Record<string, MessageAttributeValue> = {
    [quarantineAttributes.reason]: { DataType: 'String', StringValue: info.reason },
    [quarantineAttributes.errorName]: { DataType: 'String', StringValue: info.errorName },
    [quarantineAttributes.sourceQueue]: { DataType: 'String', StringValue: record.eventSourceARN },
    [quarantineAttributes.receiveCount]: { DataType: 'Number', StringValue: String(info.receiveCount) },
    [quarantineAttributes.failedAt]: { DataType: 'String', StringValue: info.failedAt.toISOString() },
  };
  const carried = Object.entries(record.messageAttributes ?? {})
    .filter(([name]) => !name.startsWith('holdline.'))
    .slice(0, maxAttributes - Object.keys(ours).length)
    .flatMap(([name, value]): Array<[string, MessageAttributeValue]> => {
      // Lambda's event shape (camelCase) back to the API's; binary attributes come base64-encoded.
      if (value.stringValue !== undefined)
        return [[name, { DataType: value.dataType, StringValue: value.stringValue }]];
      if (value.binaryValue !== undefined)
        return [[name, { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') }]];
      return [];
    });
  return {
    QueueUrl: dlqUrl,
    MessageBody: record.body,
    MessageGroupId: record.attributes.MessageGroupId ?? record.messageId,
    MessageDeduplicationId: `quarantine-${record.messageId}`,
    MessageAttributes: { ...Object.fromEntries(carried), ...ours },
  };
}
