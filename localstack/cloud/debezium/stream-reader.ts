import { setTimeout as sleep } from 'node:timers/promises';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import type { AwsAccess } from '../../../lambdas/shared/aws-access.ts';
import { kinesisClient } from '../provision/clients.ts';

export interface StreamRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  /** The record's data as text (Debezium writes JSON). */
  data: string;
}

/**
 * Reads a stream from TRIM_HORIZON on every shard, polling until `done(records so far)` holds or `timeoutMs`
 * passes; returns everything read either way, so a failing assertion can show what did arrive.
 */
export async function readStreamUntil(
  access: AwsAccess,
  streamName: string,
  done: (records: readonly StreamRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<StreamRecord[]> {
  const kinesis = kinesisClient(access);
  try {
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
    const iterators = new Map<string, string | undefined>();
    for (const shard of Shards) {
      const shardId = shard.ShardId ?? '';
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      iterators.set(shardId, ShardIterator);
    }
    const records: StreamRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    const decoder = new TextDecoder();
    while (true) {
      for (const [shardId, iterator] of iterators) {
        if (iterator === undefined) continue;
        const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        iterators.set(shardId, out.NextShardIterator);
        for (const record of out.Records ?? [])
          records.push({
            shardId,
            sequenceNumber: record.SequenceNumber ?? '',
            partitionKey: record.PartitionKey ?? '',
            data: decoder.decode(record.Data),
          });
      }
      if (done(records) || Date.now() > deadline) return records;
      await sleep(250);
    }
  } finally {
    kinesis.destroy();
  }
}
