import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

export interface SqsSource {
  queueArn: string;
  region: string;
}

/** The event Lambda's SQS poller passes to a function, from ReceiveMessage output (all attribute names requested). */
export function toSqsEvent(messages: readonly Message[], source: SqsSource): SQSEvent {
  return { Records: messages.map((message) => toSqsRecord(message, source)) };
}

function toSqsRecord(message: Message, source: SqsSource): SQSRecord {
  if (message.MessageId === undefined || message.ReceiptHandle === undefined) {
    throw new Error('ReceiveMessage returned a message without MessageId or ReceiptHandle');
  }
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    attributes: (message.Attributes ?? {}) as unknown as SQSRecordAttributes,
    messageAttributes: toMessageAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
}

// Lambda lower-cases the first letter of each field and base64-encodes binary values.
function toMessageAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
}
