import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type Shard,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import { cbor } from '@smithy/core/cbor';
import type { Check, CheckContext } from '../types.ts';
import { eventually, fail, pass } from './util.ts';

/**
 * Kinesis checks beyond the data plane's happy path: the per-shard write limit (a hot key must be visible
 * locally), ExplicitHashKey (the salted-key mitigation), resharding, and the CBOR wire format the Java SDK v2
 * inside Debezium Server speaks by default.
 */

async function activeStream(k: KinesisClient, name: string, shards: number): Promise<Shard[]> {
  await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitActive(k, name);
  return (await k.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
}

async function waitActive(k: KinesisClient, name: string): Promise<void> {
  const active = await eventually(
    async () => {
      const d = await k.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
    },
    20_000,
    100,
  );
  if (!active) throw new Error(`${name} never became ACTIVE within 20 s`);
}

async function readShard(k: KinesisClient, stream: string, shardId: string | undefined): Promise<string[]> {
  const { ShardIterator } = await k.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const out = await k.send(new GetRecordsCommand({ ShardIterator }));
  return (out.Records ?? []).map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));
}

export function kinesisLimitChecks(client: (ctx: CheckContext) => KinesisClient): Check[] {
  const check = (
    id: string,
    title: string,
    critical: boolean,
    body: (k: KinesisClient, ctx: CheckContext) => ReturnType<Check['run']>,
  ): Check => ({
    id,
    title,
    critical,
    async run(ctx) {
      const k = client(ctx);
      try {
        return await body(k, ctx);
      } finally {
        k.destroy();
      }
    },
  });
  return [
    check(
      'per-shard-write-limit',
      'One hot key past 1,000 records/s on one shard: per-record ProvisionedThroughputExceededException',
      true,
      async (k, ctx) => {
        const name = `${ctx.prefix}-hot`;
        await activeStream(k, name, 1);
        // 1,500 records inside one second, one partition key: Kinesis accepts 1,000 and refuses the rest per record.
        const batch = (n: number) =>
          k.send(
            new PutRecordsCommand({
              StreamName: name,
              Records: Array.from({ length: 500 }, (_, i) => ({
                PartitionKey: 'whale',
                Data: Buffer.from(`hot-${n}-${i}`),
              })),
            }),
          );
        const outs = await Promise.all([batch(0), batch(1), batch(2)]);
        const entries = outs.flatMap((o) => o.Records ?? []);
        const accepted = entries.filter((r) => r.SequenceNumber).length;
        const codes = [...new Set(entries.flatMap((r) => (r.ErrorCode ? [r.ErrorCode] : [])))];
        const seen = `${accepted} of 1,500 accepted in one burst; refusals: ${codes.join(', ') || 'none'}`;
        return accepted <= 1_100 &&
          codes.length === 1 &&
          codes[0] === 'ProvisionedThroughputExceededException'
          ? pass(seen)
          : fail(`${seen} (Kinesis: at most 1,000 records/s per shard)`);
      },
    ),
    check(
      'explicit-hash-key',
      'ExplicitHashKey overrides the partition key hash when choosing the shard',
      false,
      async (k, ctx) => {
        const name = `${ctx.prefix}-ehk`;
        const shards = await activeStream(k, name, 2);
        const [first, second] = shards;
        if (!first || !second) return fail(`expected 2 shards, got ${shards.length}`);
        // Two puts with one partition key, each aimed at a different shard's range.
        const put = (shard: Shard, data: string) =>
          k.send(
            new PutRecordCommand({
              StreamName: name,
              PartitionKey: 'same-key',
              ExplicitHashKey: shard.HashKeyRange?.StartingHashKey,
              Data: Buffer.from(data),
            }),
          );
        const a = await put(first, 'to-first');
        const b = await put(second, 'to-second');
        const onSecond = await readShard(k, name, second.ShardId);
        const seen = `same partition key → ${a.ShardId} and ${b.ShardId}; ${second.ShardId} holds ${onSecond.join(',') || 'nothing'}`;
        return a.ShardId === first.ShardId && b.ShardId === second.ShardId && onSecond.includes('to-second')
          ? pass(seen)
          : fail(seen);
      },
    ),
    check(
      'update-shard-count',
      'UpdateShardCount 1 → 2: the parent closes and stays readable, new writes land on the children',
      false,
      async (k, ctx) => {
        const name = `${ctx.prefix}-reshard`;
        const [parent] = await activeStream(k, name, 1);
        await k.send(
          new PutRecordCommand({ StreamName: name, PartitionKey: 'p', Data: Buffer.from('before') }),
        );
        await k.send(
          new UpdateShardCountCommand({
            StreamName: name,
            TargetShardCount: 2,
            ScalingType: 'UNIFORM_SCALING',
          }),
        );
        await waitActive(k, name);
        const shards = (await k.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
        const open = shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
        const closedParent = shards.find(
          (s) => s.ShardId === parent?.ShardId && s.SequenceNumberRange?.EndingSequenceNumber,
        );
        const after = await k.send(
          new PutRecordCommand({ StreamName: name, PartitionKey: 'p', Data: Buffer.from('after') }),
        );
        const onParent = await readShard(k, name, parent?.ShardId);
        // A reader needs ParentShardId to finish the parent before the children, or one key's order breaks.
        const childrenOk = open.every((s) => s.ParentShardId === parent?.ShardId);
        const seen = `${shards.length} shards listed, ${open.length} open (ParentShardId names the parent: ${childrenOk}); parent ${closedParent ? 'closed' : 'NOT closed'} and holds ${onParent.join(',') || 'nothing'}; the next write went to ${after.ShardId}`;
        return open.length === 2 &&
          childrenOk &&
          closedParent &&
          onParent.includes('before') &&
          open.some((s) => s.ShardId === after.ShardId)
          ? pass(seen)
          : fail(seen);
      },
    ),
    {
      id: 'java-sdk-cbor',
      title: "PutRecords and GetRecords in CBOR (x-amz-cbor-1.1), the Java SDK v2's default inside Debezium",
      critical: true,
      async run(ctx) {
        const name = `${ctx.prefix}-cbor`;
        const k = client(ctx);
        try {
          await activeStream(k, name, 1);
        } finally {
          k.destroy();
        }
        const call = async (action: string, body: Record<string, unknown>) => {
          const res = await fetch(ctx.endpoint, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-amz-cbor-1.1',
              'x-amz-target': `Kinesis_20131202.${action}`,
              // Shaped as the SDK signs (emulators check the shape, not the signature; the gateway routes by scope).
              'x-amz-date': '20260101T000000Z',
              authorization:
                'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
            },
            body: Buffer.from(cbor.serialize(body)),
          });
          const type = res.headers.get('content-type') ?? '';
          const bytes = new Uint8Array(await res.arrayBuffer());
          if (!res.ok) throw new Error(`${action}: HTTP ${res.status} ${type}`);
          if (!type.includes('cbor'))
            throw new Error(`${action}: answered ${type || 'no content type'}, not CBOR`);
          return cbor.deserialize(bytes) as Record<string, unknown>;
        };
        const payload = new Uint8Array(Buffer.from('cbor-payload'));
        // PutRecords, as Debezium's Kinesis sink sends them.
        const puts = await call('PutRecords', {
          StreamName: name,
          Records: [{ PartitionKey: 'k', Data: payload }],
        });
        const put = (puts.Records as Array<Record<string, unknown>> | undefined)?.[0] ?? {};
        const it = await call('GetShardIterator', {
          StreamName: name,
          ShardId: put.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        });
        const got = await call('GetRecords', { ShardIterator: it.ShardIterator });
        const record = (got.Records as Array<Record<string, unknown>> | undefined)?.[0];
        const data =
          record?.Data instanceof Uint8Array ? Buffer.from(record.Data).toString('utf8') : undefined;
        const arrival = record?.ApproximateArrivalTimestamp;
        const seen = `PutRecords → ${String(put.SequenceNumber).slice(0, 12)}…; GetRecords data ${JSON.stringify(data)} (a byte string: ${record?.Data instanceof Uint8Array}); arrival ${arrival === undefined ? 'missing' : typeof arrival}`;
        return data === 'cbor-payload' && arrival !== undefined ? pass(seen) : fail(seen);
      },
    },
  ];
}
