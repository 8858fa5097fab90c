import { setTimeout as sleep } from 'node:timers/promises';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';

/** Tails every shard of a stream from TRIM_HORIZON, polling every 20 ms when idle, until stopped. */
export function tailStream(
  access: AwsAccess,
  streamName: string,
  onRecord: (data: string, arrivalAt: number | undefined) => void,
) {
  const kinesis = kinesisClient(access);
  let running = true;
  const decoder = new TextDecoder();
  const tailShard = async (shardId: string | undefined) => {
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (running && iterator !== undefined) {
      const out = await kinesis
        .send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }))
        .catch(() => undefined); // a slow or busy emulator: try the same iterator again
      if (out === undefined) {
        await sleep(100);
        continue;
      }
      iterator = out.NextShardIterator;
      for (const record of out.Records ?? [])
        onRecord(decoder.decode(record.Data), record.ApproximateArrivalTimestamp?.getTime());
      // 20 ms: fine enough to time a record, light enough not to load the single-threaded emulator.
      if ((out.Records ?? []).length === 0) await sleep(20);
    }
  };
  // Settled with a catch so a failed ListShards surfaces in stop(), not as an unhandled rejection mid-phase.
  const done = (async () => {
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
    await Promise.all(Shards.map((shard) => tailShard(shard.ShardId)));
  })().then(
    () => undefined,
    (error: unknown) => error,
  );
  return {
    async stop() {
      running = false;
      const error = await done;
      kinesis.destroy();
      if (error) throw error;
    },
  };
}
