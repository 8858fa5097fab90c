import { createHash } from 'node:crypto';
import {
  type _Record,
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Check, CheckContext } from '../types.ts';
import { kinesisLimitChecks } from './kinesis-limits.ts';
import { clientConfig, describeError, eventually, fail, pass, rejection, sleep, withClient } from './util.ts';

interface StreamInfo {
  name: string;
  shards: Shard[];
  activeAfterMs: number;
}

interface PutInfo {
  records: Array<{ key: string; n: number; shardId: string | undefined; seq: string | undefined }>;
  failed: number;
}

// Stream creation and the 60-record batch are shared across checks (memoized per run prefix): creating a
// stream per check would mostly measure CREATING→ACTIVE delays, which is not what these checks are about.
const streams = new Map<string, Promise<StreamInfo>>();
const puts = new Map<string, Promise<PutInfo>>();

const keyspaceEnd = (1n << 128n) - 1n;
const md5Key = (key: string): bigint => BigInt(`0x${createHash('md5').update(key, 'utf8').digest('hex')}`);
const decode = (r: _Record): string => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8');

function expectedShard(shards: Shard[], key: string): string | undefined {
  const h = md5Key(key);
  return shards.find(
    (s) =>
      BigInt(s.HashKeyRange?.StartingHashKey ?? '-1') <= h &&
      h <= BigInt(s.HashKeyRange?.EndingHashKey ?? '-1'),
  )?.ShardId;
}

function stream(kinesis: KinesisClient, ctx: CheckContext): Promise<StreamInfo> {
  let existing = streams.get(ctx.prefix);
  if (!existing) {
    existing = (async () => {
      const name = `${ctx.prefix}-orders`;
      const started = Date.now();
      await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
      const active = await eventually(
        async () => {
          const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
          return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
        },
        15_000,
        100,
      );
      if (!active) throw new Error('stream never became ACTIVE within 15 s');
      const activeAfterMs = Date.now() - started;
      const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: name }));
      return { name, shards: Shards, activeAfterMs };
    })();
    streams.set(ctx.prefix, existing);
  }
  return existing;
}

function putBatch(kinesis: KinesisClient, ctx: CheckContext): Promise<PutInfo> {
  let existing = puts.get(ctx.prefix);
  if (!existing) {
    existing = (async () => {
      const { name } = await stream(kinesis, ctx);
      const entries = [0, 1, 2].flatMap((n) =>
        Array.from({ length: 20 }, (_, k) => ({ key: `order-${k}`, n })),
      );
      const out = await kinesis.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: entries.map((e) => ({ PartitionKey: e.key, Data: Buffer.from(JSON.stringify(e)) })),
        }),
      );
      return {
        records: entries.map((e, i) => ({
          ...e,
          shardId: out.Records?.[i]?.ShardId,
          seq: out.Records?.[i]?.SequenceNumber,
        })),
        failed: out.FailedRecordCount ?? 0,
      };
    })();
    puts.set(ctx.prefix, existing);
  }
  return existing;
}

async function iterator(kinesis: KinesisClient, input: GetShardIteratorCommandInput): Promise<string> {
  const out = await kinesis.send(new GetShardIteratorCommand(input));
  if (!out.ShardIterator) throw new Error(`no iterator for ${input.ShardIteratorType}`);
  return out.ShardIterator;
}

/** Reads a shard until an empty page; enough for the few hundred records these checks write. */
async function readAll(kinesis: KinesisClient, start: string): Promise<_Record[]> {
  const all: _Record[] = [];
  let it: string | undefined = start;
  for (let page = 0; it && page < 10; page++) {
    const out: GetRecordsCommandOutput = await kinesis.send(new GetRecordsCommand({ ShardIterator: it }));
    const records = out.Records ?? [];
    all.push(...records);
    if (records.length === 0) break;
    it = out.NextShardIterator;
  }
  return all;
}

// The Kinesis client speaks HTTP/2 by default, which some emulators refuse; the data-plane checks use
// HTTP/1.1 so they measure semantics, and 'sdk-default-transport' reports the transport separately.
const http1Client = (ctx: CheckContext) =>
  new KinesisClient({ ...clientConfig(ctx.endpoint), requestHandler: new NodeHttpHandler() });
const kinesisCheck = withClient(http1Client);

export const kinesisChecks: Check[] = [
  {
    id: 'sdk-default-transport',
    title: "The SDK's default Kinesis client (HTTP/2) can talk to it",
    async run(ctx) {
      const kinesis = new KinesisClient(clientConfig(ctx.endpoint));
      try {
        const out = await rejection(() => kinesis.send(new ListStreamsCommand({})));
        return out
          ? fail(`default client fails (${describeError(out)}): pass requestHandler: new NodeHttpHandler()`)
          : pass('ListStreams over the default HTTP/2 handler works');
      } finally {
        kinesis.destroy();
      }
    },
  },
  kinesisCheck(
    'create-2-shards',
    'CreateStream with 2 shards reaches ACTIVE; ranges cover the keyspace',
    async (k, ctx) => {
      const s = await stream(k, ctx);
      const ranges = s.shards
        .map((sh) => [
          BigInt(sh.HashKeyRange?.StartingHashKey ?? '-1'),
          BigInt(sh.HashKeyRange?.EndingHashKey ?? '-1'),
        ])
        .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
      const covers =
        ranges[0]?.[0] === 0n &&
        ranges.at(-1)?.[1] === keyspaceEnd &&
        ranges.every((r, i) => i === 0 || r[0] === (ranges[i - 1]?.[1] ?? -2n) + 1n);
      const seen = `ACTIVE after ${s.activeAfterMs} ms; ${s.shards.length} shards; ranges ${covers ? 'cover' : 'do NOT cover'} 0..2^128-1`;
      return s.shards.length === 2 && covers ? pass(seen) : fail(seen);
    },
  ),

  kinesisCheck(
    'partition-key-hashing',
    'PutRecords: each partition key lands on its MD5 shard, always the same one',
    async (k, ctx) => {
      const s = await stream(k, ctx);
      const put = await putBatch(k, ctx);
      const wrong = put.records.filter((r) => r.shardId !== expectedShard(s.shards, r.key));
      const perShard = s.shards.map((sh) => put.records.filter((r) => r.shardId === sh.ShardId).length);
      const seen = `${put.records.length - wrong.length}/${put.records.length} on the MD5 shard; split ${perShard.join('/')}; FailedRecordCount=${put.failed}`;
      return wrong.length === 0 && put.failed === 0 ? pass(seen) : fail(seen);
    },
    true,
  ),

  kinesisCheck(
    'per-shard-order',
    'TRIM_HORIZON read returns each shard in put order, sequence numbers increasing',
    async (k, ctx) => {
      const s = await stream(k, ctx);
      const put = await putBatch(k, ctx);
      const problems: string[] = [];
      let total = 0;
      let seqLength = 0;
      for (const shard of s.shards) {
        const it = await iterator(k, {
          StreamName: s.name,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        });
        const records = await readAll(k, it);
        total += records.length;
        const expected = put.records.filter((r) => r.shardId === shard.ShardId).map((r) => `${r.key}#${r.n}`);
        const got = records.map((r) => {
          const e = JSON.parse(decode(r)) as { key: string; n: number };
          return `${e.key}#${e.n}`;
        });
        if (got.join() !== expected.join()) problems.push(`${shard.ShardId} order differs from put order`);
        const seqs = records.map((r) => BigInt(r.SequenceNumber ?? '0'));
        if (seqs.some((q, i) => i > 0 && q <= (seqs[i - 1] ?? 0n)))
          problems.push(`${shard.ShardId} seq not increasing`);
        seqLength = Math.max(seqLength, ...records.map((r) => r.SequenceNumber?.length ?? 0));
      }
      // Lambda's checkpointing compares sequence numbers numerically; AWS uses 56-digit ones, so note the shape.
      const seen = `${total} records read; sequence numbers up to ${seqLength} digits (AWS: 56)`;
      return problems.length === 0 && total === put.records.length
        ? pass(seen)
        : fail(`${seen}; ${problems.join('; ')}`);
    },
    true,
  ),

  kinesisCheck(
    'sequence-number-shape',
    'Sequence numbers look like AWS ones (56-digit decimal strings)',
    async (k, ctx) => {
      // Code that parses them as Number() works against small emulator integers and silently breaks on AWS.
      const put = await putBatch(k, ctx);
      const lengths = [...new Set(put.records.map((r) => r.seq?.length ?? 0))].sort((a, b) => a - b);
      const seen = `lengths ${lengths.join(',')} (e.g. ${put.records[0]?.seq})`;
      return put.records.every((r) => /^\d{56}$/.test(r.seq ?? '')) ? pass(seen) : fail(seen);
    },
  ),

  kinesisCheck(
    'iterator-types',
    'AT/AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP and LATEST iterators',
    async (k, ctx) => {
      const s = await stream(k, ctx);
      const key = 'iterator-probe';
      const shardId = expectedShard(s.shards, key);
      const p1 = await k.send(
        new PutRecordCommand({ StreamName: s.name, PartitionKey: key, Data: Buffer.from('P1') }),
      );
      // Second-granular arrival timestamps would blur AT_TIMESTAMP, so the cut-off sits a full second from both puts.
      await sleep(1100);
      const cut = new Date();
      await sleep(1100);
      await k.send(new PutRecordCommand({ StreamName: s.name, PartitionKey: key, Data: Buffer.from('P2') }));
      const base = { StreamName: s.name, ShardId: shardId };
      const firstOf = async (input: GetShardIteratorCommandInput) =>
        (await readAll(k, await iterator(k, input)))
          .map(decode)
          .filter((d) => d === 'P1' || d === 'P2' || d === 'P3')[0];
      const at = await firstOf({
        ...base,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: p1.SequenceNumber,
      });
      const after = await firstOf({
        ...base,
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        StartingSequenceNumber: p1.SequenceNumber,
      });
      const ts = await firstOf({ ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: cut });
      const latestIt = await iterator(k, { ...base, ShardIteratorType: 'LATEST' });
      await k.send(new PutRecordCommand({ StreamName: s.name, PartitionKey: key, Data: Buffer.from('P3') }));
      const latest = (await readAll(k, latestIt)).map(decode)[0];
      const seen = `AT_SEQ→${at} AFTER_SEQ→${after} AT_TIMESTAMP→${ts} LATEST→${latest}`;
      return at === 'P1' && after === 'P2' && ts === 'P2' && latest === 'P3' ? pass(seen) : fail(seen);
    },
  ),

  kinesisCheck(
    'millis-behind-latest',
    'GetRecords returns MillisBehindLatest and ApproximateArrivalTimestamp',
    async (k, ctx) => {
      const s = await stream(k, ctx);
      await putBatch(k, ctx);
      const shard = s.shards[0];
      const it = await iterator(k, {
        StreamName: s.name,
        ShardId: shard?.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      });
      const out = await k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1 }));
      const arrival = out.Records?.[0]?.ApproximateArrivalTimestamp;
      const seen = `MillisBehindLatest=${out.MillisBehindLatest}; arrival timestamp ${arrival instanceof Date ? 'present' : 'missing'}`;
      return typeof out.MillisBehindLatest === 'number' && arrival instanceof Date ? pass(seen) : fail(seen);
    },
  ),

  kinesisCheck(
    'put-get-latency',
    'PutRecord → visible to GetRecords on a LATEST iterator',
    async (k, ctx) => {
      const s = await stream(k, ctx);
      const key = 'latency-probe';
      let it = await iterator(k, {
        StreamName: s.name,
        ShardId: expectedShard(s.shards, key),
        ShardIteratorType: 'LATEST',
      });
      const samples: number[] = [];
      for (let n = 0; n < 5; n++) {
        const started = Date.now();
        await k.send(
          new PutRecordCommand({ StreamName: s.name, PartitionKey: key, Data: Buffer.from(`L${n}`) }),
        );
        let found = false;
        while (!found && Date.now() - started < 3000) {
          const out = await k.send(new GetRecordsCommand({ ShardIterator: it }));
          found = (out.Records ?? []).some((r) => decode(r) === `L${n}`);
          it = out.NextShardIterator ?? it;
          if (!found) await sleep(20);
        }
        if (!found) return fail(`L${n} not visible within 3 s`);
        samples.push(Date.now() - started);
      }
      const median = [...samples].sort((a, b) => a - b)[2] ?? 0;
      return pass(`put→get ${samples.join('/')} ms (median ${median})`, median);
    },
  ),
  ...kinesisLimitChecks(http1Client),
];
