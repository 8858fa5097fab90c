import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { binlogPosition } from '../../lambdas/order-view/source-position.ts';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';
import type { Delivered } from './measure.ts';

/** A one-shard stream of the mode's own, so counts never mix between modes. */
export async function createStream(access: AwsAccess, name: string): Promise<void> {
  const kinesis = kinesisClient(access);
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
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

/**
 * Reads the stream from TRIM_HORIZON until it is caught up and `done(changes so far)` holds, or `timeoutMs` passes;
 * heartbeats are left out.
 */
export async function readChanges(
  access: AwsAccess,
  name: string,
  done: (changes: readonly Delivered[]) => boolean,
  timeoutMs: number,
): Promise<Delivered[]> {
  const kinesis = kinesisClient(access);
  try {
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: name }));
    const shardId = Shards[0]?.ShardId ?? '';
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const changes: Delivered[] = [];
    const deadline = Date.now() + timeoutMs;
    while (iterator) {
      const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      iterator = out.NextShardIterator;
      for (const record of out.Records ?? []) {
        const change = toDelivered(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
        if (change)
          changes.push({ ...change, arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? 0 });
      }
      const caughtUp = (out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0;
      if ((caughtUp && done(changes)) || Date.now() > deadline) return changes;
      if (caughtUp) await sleep(200);
    }
    return changes;
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
