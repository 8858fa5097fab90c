import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** A record as GetRecords returns it, with the fields the runtime relies on present. */
export interface StreamRecord {
  SequenceNumber: string;
  PartitionKey: string;
  Data: Uint8Array;
  ApproximateArrivalTimestamp: Date;
  EncryptionType?: string;
}

export interface ShardSource {
  shardId: string;
  streamArn: string;
  region: string;
  /** The function's execution role; Lambda puts it in every record as invokeIdentityArn. */
  roleArn: string;
}

/** Narrows GetRecords output; a record without a sequence number or data cannot be delivered. */
export function toStreamRecord(record: _Record): StreamRecord {
  if (record.SequenceNumber === undefined || record.Data === undefined || record.PartitionKey === undefined) {
    throw new Error('GetRecords returned a record without SequenceNumber, Data or PartitionKey');
  }
  return {
    SequenceNumber: record.SequenceNumber,
    PartitionKey: record.PartitionKey,
    Data: record.Data,
    ApproximateArrivalTimestamp: record.ApproximateArrivalTimestamp ?? new Date(),
    ...(record.EncryptionType === undefined ? {} : { EncryptionType: record.EncryptionType }),
  };
}

/** The event Lambda's Kinesis poller passes to a function for one batch of one shard. */
export function toKinesisEvent(records: readonly StreamRecord[], source: ShardSource): KinesisStreamEvent {
  return { Records: records.map((record) => toKinesisRecord(record, source)) };
}

function toKinesisRecord(record: StreamRecord, source: ShardSource): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey,
      sequenceNumber: record.SequenceNumber,
      data: Buffer.from(record.Data).toString('base64'),
      // Seconds with a fraction, as Lambda sends it.
      approximateArrivalTimestamp: record.ApproximateArrivalTimestamp.getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${source.shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.roleArn,
    awsRegion: source.region,
    eventSourceARN: source.streamArn,
  };
}
