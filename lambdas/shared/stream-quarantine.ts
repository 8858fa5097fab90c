import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type MessageAttributeValue,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { KinesisStreamRecord } from 'aws-lambda';
import { isDependencyUnavailable } from './dependency-failure.ts';
import { metricNames } from './metric-names.ts';
import { quarantineAttributes } from './quarantine-attributes.ts';

/**
 * What a stream reader (the router, the order view) does with a record that failed. A dependency outage is
 * retried: the record fails, and its mapping retries it until it is older than the outage budget (6 h,
 * `MaximumRecordAgeInSeconds`). Anything else can never succeed by waiting (the record is not an event, its type
 * is routed nowhere, SQS refuses its size), so it is copied to the reader's failure queue with its reason at once
 * and counted as handled: one bad record never holds its shard for the whole budget.
 */
export type StreamFailure = 'retry' | 'quarantine';

export function classifyStreamFailure(error: unknown): StreamFailure {
  return isDependencyUnavailable(error) ? 'retry' : 'quarantine';
}

/** The body of a quarantined record: the record itself, enough to put it back on its stream. */
export interface QuarantinedStreamRecord {
  kind: 'quarantined-record';
  reader: string;
  reason: string;
  errorName: string;
  failedAt: string;
  eventSourceARN: string;
  record: {
    partitionKey: string;
    sequenceNumber: string;
    /** The record's data, base64 as Kinesis delivered it. */
    data: string;
    approximateArrivalTimestamp: number;
  };
}

/** SQS message bodies are at most 256 KiB; a Kinesis record's data up to 1 MiB (10 MiB in 2025). */
const maxBodyBytes = 256 * 1024;

/**
 * The message for the reader's (standard) failure queue, with the `holdline.*` attributes the DLQ runbook reads.
 * A record too large for SQS keeps its position instead of its data: replay it from the stream by sequence number.
 */
export function streamQuarantineMessage(
  queueUrl: string,
  reader: string,
  record: KinesisStreamRecord,
  error: unknown,
  failedAt: Date,
): SendMessageCommandInput {
  const errorName = error instanceof Error ? error.name : typeof error;
  const reason = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
  const body: QuarantinedStreamRecord = {
    kind: 'quarantined-record',
    reader,
    reason,
    errorName,
    failedAt: failedAt.toISOString(),
    eventSourceARN: record.eventSourceARN,
    record: {
      partitionKey: record.kinesis.partitionKey,
      sequenceNumber: record.kinesis.sequenceNumber,
      data: record.kinesis.data,
      approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
    },
  };
  let text = JSON.stringify(body);
  if (Buffer.byteLength(text) > maxBodyBytes)
    text = JSON.stringify({ ...body, record: { ...body.record, data: '' }, dataOmitted: 'over 256 KiB' });
  const attributes: Record<string, MessageAttributeValue> = {
    [quarantineAttributes.reason]: { DataType: 'String', StringValue: reason },
    [quarantineAttributes.errorName]: { DataType: 'String', StringValue: errorName },
    [quarantineAttributes.sourceQueue]: { DataType: 'String', StringValue: record.eventSourceARN },
    [quarantineAttributes.receiveCount]: { DataType: 'Number', StringValue: '1' },
    [quarantineAttributes.failedAt]: { DataType: 'String', StringValue: body.failedAt },
  };
  return { QueueUrl: queueUrl, MessageBody: text, MessageAttributes: attributes };
}

export interface StreamQuarantine {
  sqs: SQSClient;
  queueUrl: string;
  /** `router`, `order-view`: who quarantined the record. */
  reader: string;
  /** Called after the copy is in the failure queue (a log line, a metric). */
  onQuarantined: (record: KinesisStreamRecord, error: unknown) => void;
  now?: () => Date;
}

/** The usual `onQuarantined`: one metric and one log line with the record's position and the typed error. */
export function reportQuarantined(
  logger: Logger,
  metrics: Metrics,
): (record: KinesisStreamRecord, error: unknown) => void {
  return (record, error) => {
    const { sequenceNumber, partitionKey } = record.kinesis;
    metrics.addMetric(metricNames.recordsQuarantined, MetricUnit.Count, 1);
    // The typed error's own fields (reason, eventId, eventType) and its cause are logged with it.
    logger.error('record quarantined', { sequenceNumber, partitionKey, error });
  };
}

/**
 * Wraps a record handler: a failure that will not pass by waiting quarantines the record and resolves; a
 * dependency outage rethrows, and so does a failed quarantine send (the record is retried, nothing is lost).
 */
export function quarantinePoison(
  handle: (record: KinesisStreamRecord) => Promise<void>,
  q: StreamQuarantine,
): (record: KinesisStreamRecord) => Promise<void> {
  return async (record) => {
    try {
      await handle(record);
    } catch (error) {
      if (classifyStreamFailure(error) === 'retry') throw error;
      await q.sqs.send(
        new SendMessageCommand(
          streamQuarantineMessage(q.queueUrl, q.reader, record, error, (q.now ?? (() => new Date()))()),
        ),
      );
      q.onQuarantined(record, error);
    }
  };
}
