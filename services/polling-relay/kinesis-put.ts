import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { PutBatch } from './waves.ts';

/** PutRecords on `streamName`, partition key = aggregate id; one result per entry, in entry order. */
export function kinesisPut(kinesis: KinesisClient, streamName: string): PutBatch {
  const encoder = new TextEncoder();
  return async (entries) => {
    const out = await kinesis.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: entries.map((e) => ({ PartitionKey: e.aggregateId, Data: encoder.encode(e.data) })),
      }),
    );
    return (out.Records ?? []).map((r) => ({ ok: !r.ErrorCode, errorCode: r.ErrorCode }));
  };
}
