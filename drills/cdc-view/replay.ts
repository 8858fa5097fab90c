import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';
import { readFunctions } from '../../localstack/cloud/runtime/functions.ts';
import {
  type StreamRecord,
  toKinesisEvent,
  toStreamRecord,
} from '../../localstack/cloud/runtime/kinesis-event.ts';
import { repoRoot } from '../../localstack/lib/paths.ts';
import type { RunContext } from '../kit/context.ts';
import { type Item, scanAll } from './view.ts';

const VIEW_ENTRY = 'lambdas/order-view/handler.ts';
/** Records per replayed invocation: at most what the runtime's poller hands the function. */
export const REPLAY_BATCH = 100;

type Shard = { shardId: string; streamArn: string; records: StreamRecord[] };
export type ViewDiff = { key: string; before?: string; after?: string };

/**
 * Reads every record of the stream from TRIM_HORIZON and invokes the view function with them again, per shard
 * in order, in batches of ≤100 shaped as the runtime's poller shapes them; diffs the whole table before/after.
 */
export async function replayStream(
  ctx: RunContext,
  cloud: LocalCloud,
  doc: DynamoDBDocumentClient,
  tableName: string,
  streamName: string,
) {
  const fn = viewFunction(cloud);
  const shards = await readWholeStream(cloud.aws, streamName);
  const before = await viewSnapshot(doc, tableName);
  const { records, batches, failures } = await invokeWith(cloud, fn, shards);
  const after = await viewSnapshot(doc, tableName);
  ctx.log(`view: ${before.size} items before the replay, ${after.size} after`);
  return {
    records,
    batches,
    failures,
    diffs: diffViews(before, after),
    items: after.size,
    sample: firstChange(shards),
  };
}

/** The first change record's data (not a heartbeat): evidence of the envelope the connector wrote. */
function firstChange(shards: Shard[]): unknown {
  for (const record of shards.flatMap((s) => s.records)) {
    const json = JSON.parse(Buffer.from(record.Data).toString('utf8')) as { op?: unknown };
    if (json.op !== undefined) return json;
  }
  return undefined;
}

function viewFunction(cloud: LocalCloud) {
  const fn = readFunctions(cloud.template, cloud.provisioned, repoRoot).functions.find((f) =>
    f.entry.endsWith(VIEW_ENTRY),
  );
  if (!fn) throw new Error(`no function with entry ${VIEW_ENTRY} in the template`);
  return fn;
}

/** Hands every shard's records to the view function in order; a failed invocation or item is a failure. */
async function invokeWith(cloud: LocalCloud, fn: ReturnType<typeof viewFunction>, shards: Shard[]) {
  let records = 0;
  let batches = 0;
  const failures: unknown[] = [];
  for (const shard of shards) {
    for (let i = 0; i < shard.records.length; i += REPLAY_BATCH) {
      const batch = shard.records.slice(i, i + REPLAY_BATCH);
      const event = toKinesisEvent(batch, {
        shardId: shard.shardId,
        streamArn: shard.streamArn,
        region: cloud.provisioned.pseudo.region,
        roleArn: fn.roleArn,
      });
      const result = await cloud.runtime.invoke(fn.logicalId, event);
      batches += 1;
      records += batch.length;
      if (!result.ok) failures.push({ shardId: shard.shardId, error: result.error });
      else {
        const itemFailures = (result.payload as { batchItemFailures?: unknown[] })?.batchItemFailures ?? [];
        if (itemFailures.length > 0) failures.push({ shardId: shard.shardId, itemFailures });
      }
    }
  }
  return { records, batches, failures };
}

/** Keys whose item differs, appeared or disappeared between two snapshots. */
export function diffViews(before: Map<string, string>, after: Map<string, string>): ViewDiff[] {
  const diffs: ViewDiff[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [b, a] = [before.get(key), after.get(key)];
    if (b !== a)
      diffs.push({
        key,
        ...(b === undefined ? {} : { before: b }),
        ...(a === undefined ? {} : { after: a }),
      });
  }
  return diffs;
}

/** The view as comparable text per key. */
async function viewSnapshot(doc: DynamoDBDocumentClient, tableName: string): Promise<Map<string, string>> {
  const items = await scanAll(doc, tableName);
  return new Map(items.map((item) => [`${item.pk}|${item.sk}`, canonical(item)]));
}

/** JSON with object keys sorted, so two reads of the same item compare equal. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Item)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

async function readWholeStream(access: AwsAccess, streamName: string): Promise<Shard[]> {
  const kinesis = kinesisClient(access);
  try {
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    const streamArn = StreamDescriptionSummary?.StreamARN ?? '';
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
    const shards: Shard[] = [];
    for (const { ShardId: shardId = '' } of Shards) {
      let { ShardIterator: iterator } = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const records: StreamRecord[] = [];
      // Until the shard is caught up: an empty page with nothing behind it.
      while (iterator) {
        const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...(out.Records ?? []).map(toStreamRecord));
        iterator = out.NextShardIterator;
        if ((out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0) break;
      }
      shards.push({ shardId, streamArn, records });
    }
    return shards;
  } finally {
    kinesis.destroy();
  }
}
