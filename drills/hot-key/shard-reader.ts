import { setTimeout as sleep } from 'node:timers/promises';
import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/** Records per GetRecords: the mapping reads far more than one Lambda batch per call (Kinesis allows 10,000). */
const readLimit = 1000;

/** One record as the in-drill consumer processed it. */
export interface Consumed {
  shardId: string;
  sequenceNumber: string;
  orderId: string;
  customerId: string;
  sequence: number;
  dueAt: number;
  /** Kinesis's ApproximateArrivalTimestamp (ms). */
  arrivedAt: number;
  processedAt: number;
}

export interface ReaderOptions {
  kinesis: KinesisClient;
  streamName: string;
  shardIds: readonly string[];
  /**
   * What one shard's consumer can process, records per second. A model, named as one: the router Lambda reads a
   * shard one batch at a time (kinesisParallelizationFactor 1, cdk/lib/config.ts), so a shard's consumer has a
   * ceiling of its own; the drill sleeps 1/rate per record so a shard fed faster than that falls behind.
   */
  consumerRecordsPerSecond: number;
  startMs: number;
}

/** Polls each shard the way a Lambda event-source mapping does: from the oldest record, one batch at a time. */
export function readShards(options: ReaderOptions): {
  consumed: Consumed[];
  /** Per shard after each GetRecords: the age of the batch's oldest record when processed (0 when empty). */
  iteratorAge: Array<{ atMs: number; shardId: string; ms: number }>;
  stop(): Promise<void>;
} {
  const consumed: Consumed[] = [];
  const iteratorAge: Array<{ atMs: number; shardId: string; ms: number }> = [];
  let stopping = false;
  const perRecordMs = 1000 / options.consumerRecordsPerSecond;
  const readOne = async (shardId: string) => {
    let iterator = (
      await options.kinesis.send(
        new GetShardIteratorCommand({
          StreamName: options.streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    let owed = 0;
    while (!stopping && iterator) {
      const started = Date.now();
      const answer = await options.kinesis.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: readLimit }),
      );
      iterator = answer.NextShardIterator;
      const records = answer.Records ?? [];
      // The modelled processing time, paid in whole milliseconds so a fractional cost is not lost.
      owed += records.length * perRecordMs;
      const pay = Math.floor(owed);
      owed -= pay;
      if (pay > 0) await sleep(pay);
      const processedAt = Date.now();
      for (const record of records) {
        const body = JSON.parse(Buffer.from(record.Data!).toString('utf8'));
        consumed.push({
          shardId,
          sequenceNumber: record.SequenceNumber!,
          orderId: body.aggregateId,
          customerId: body.payload.customerId,
          sequence: body.sequence,
          dueAt: body.dueAt,
          arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? processedAt,
          processedAt,
        });
      }
      // The emulator answers MillisBehindLatest 0 however far behind: the age of the batch's oldest record when
      // it was processed is what Lambda's IteratorAge metric reports.
      const oldest = records[0]?.ApproximateArrivalTimestamp?.getTime();
      iteratorAge.push({
        atMs: processedAt - options.startMs,
        shardId,
        ms: oldest === undefined ? 0 : processedAt - oldest,
      });
      // Kinesis allows 5 GetRecords a second per shard.
      await sleep(Math.max(0, 200 - (Date.now() - started)));
    }
  };
  const loops = options.shardIds.map((id) => readOne(id));
  return {
    consumed,
    iteratorAge,
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
