import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { binlogPosition } from '../../lambdas/order-view/source-position.ts';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';
import type { Delivered } from './measure.ts';

/**
 * A stream of the mode's own, so counts never mix between modes. Kinesis takes 1,000 records/s per shard (the
 * emulator enforces it), so a table of millions of rows needs several shards to be read in reasonable time.
 */
export async function createStream(access: AwsAccess, name: string, shards: number): Promise<void> {
  const kinesis = kinesisClient(access);
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    for (let i = 0; i < 100; i++) {
      const { StreamDescriptionSummary } = await kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: name }),
      );
      if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
      await sleep(100);
    }
    throw new Error(`stream ${name} did not become ACTIVE`);
  } finally {
    kinesis.destroy();
  }
}

/** A reader of every shard of one stream, side by side, from TRIM_HORIZON; heartbeats are left out. */
export interface ChangeReader {
  /**
   * Everything read so far. It interleaves the shards: a row's changes all come from its own shard (the row id is
   * the partition key), and positions order them.
   */
  readonly changes: readonly Delivered[];
  /** Resolves once every shard is caught up and `done(changes)` holds, or `timeoutMs` has passed. */
  until(done: (changes: readonly Delivered[]) => boolean, timeoutMs: number): Promise<void>;
  /** Stops reading; rejects with a shard's error, if one failed. */
  close(): Promise<void>;
}

/** Starts reading the stream. One read for the whole mode: a table of millions of rows is read back once. */
export async function readChanges(access: AwsAccess, name: string): Promise<ChangeReader> {
  const kinesis = kinesisClient(access);
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: name }));
  const changes: Delivered[] = [];
  const caughtUp = new Map<string, boolean>();
  let closed = false;
  let failure: unknown;
  const readShard = async (shardId: string) => {
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator && !closed) {
      const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      iterator = out.NextShardIterator;
      for (const record of out.Records ?? []) {
        const change = toDelivered(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
        if (change)
          changes.push({ ...change, arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? 0 });
      }
      const empty = (out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0;
      caughtUp.set(shardId, empty);
      if (empty) await sleep(200);
    }
    caughtUp.set(shardId, true);
  };
  const reading = Promise.all(
    Shards.map((shard) =>
      readShard(shard.ShardId ?? '').catch((error: unknown) => {
        failure ??= error;
      }),
    ),
  );
  return {
    changes,
    async until(done, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() <= deadline) {
        if (failure !== undefined) throw failure;
        const allCaughtUp = caughtUp.size === Shards.length && [...caughtUp.values()].every(Boolean);
        if (allCaughtUp && done(changes)) return;
        await sleep(100);
      }
    },
    async close() {
      closed = true;
      await reading;
      kinesis.destroy();
      if (failure !== undefined) throw failure;
    },
  };
}

/** Deletes the mode's stream once it is measured: the emulator keeps every record in memory. */
export async function deleteStream(access: AwsAccess, name: string): Promise<void> {
  const kinesis = kinesisClient(access);
  try {
    await kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
  } finally {
    kinesis.destroy();
  }
}

type Row = { id?: string; version?: number };

function toDelivered(data: string): Omit<Delivered, 'arrivedAt'> | undefined {
  const json = JSON.parse(data) as {
    op?: string;
    before?: Row | null;
    after?: Row | null;
    source?: { table?: string; file?: string; pos?: number; row?: number };
  };
  if (!json.op || json.source?.table !== 'orders') return undefined;
  const row = json.after ?? json.before ?? {};
  const { file = '', pos = 0, row: index = 0 } = json.source;
  return {
    id: String(row.id),
    op: json.op,
    version: Number(row.version),
    position: binlogPosition(file, pos, index) ?? Number.NaN,
  };
}
