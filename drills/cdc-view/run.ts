import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { CURRENT_SK, orderPk } from '../../lambdas/order-view/view-item.ts';
import { type LocalCloud, startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';
import { readFunctions } from '../../localstack/cloud/runtime/functions.ts';
import {
  type StreamRecord,
  toKinesisEvent,
  toStreamRecord,
} from '../../localstack/cloud/runtime/kinesis-event.ts';
import { repoRoot, stateDir } from '../../localstack/lib/paths.ts';
import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { percentile, round } from '../kit/stats.ts';

/**
 * Drill: the order view (Debezium `orders` capture → Kinesis `OrderChanges` → OrderView λ → DynamoDB).
 * Inserts, updates and deletes orders with plain SQL, measures how long each change takes to show in the view,
 * checks every deletion kept the full before-image, then replays the whole stream into the function and
 * proves the view did not change (every write is guarded by the change's WAL position).
 */

type Op = 'insert' | 'update' | 'delete';
interface Change {
  seq: number;
  op: Op;
  orderId: string;
  /** The version the view must reach (update), or 1 (insert). */
  version: number;
  committedAt: number;
  visibleAt?: number;
}
type Item = Record<string, unknown>;

const VIEW_ENTRY = 'lambdas/order-view/handler.ts';
const POLL_MS = 20;
const REPLAY_BATCH = 100;
/** Between two changes: a steady trickle, so each change is timed on its own rather than queued behind a burst. */
const PACE_MS = 15;

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const orders = ctx.quick ? 20 : 300;
  const base = join(stateDir, 'drills', 'cdc-view');
  mkdirSync(base, { recursive: true });
  // Postgres runs as `holdline-pg` when we are root: it must be able to reach its data directory.
  chmodSync(base, 0o755);
  const dir = mkdtempSync(join(base, 'run-'));
  // startLocalCloud points AWS_ENDPOINT_URL at its own gateway; put back the caller's (vitest's emulators) after.
  const callerEndpoint = process.env.AWS_ENDPOINT_URL;
  chmodSync(dir, 0o755);
  const cloud = await startLocalCloud({
    stateDir: dir,
    logDir: join(dir, 'logs'),
    ports: { aws: 0, postgres: 0, api: 0 },
    fresh: true,
    progress: (line) => ctx.log(`  ${line}`),
  });
  const db = new pg.Client({ connectionString: cloud.database.admin });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    await db.connect();
    const tableName = requireOutput(cloud, 'OrderViewTableName');
    const streamName = requireOutput(cloud, 'OrderChangesStreamName');

    // One order first, outside the figures: the first change pays the function's cold start.
    const warmupVisibleMs = await warmUp(db, doc, tableName);
    ctx.log(`warm-up order visible after ${warmupVisibleMs} ms (cold start, not in the figures)`);
    const { changes, beforeImages } = await writeAndWatch(ctx, db, doc, tableName, orders);
    const visible = changes.filter((c) => c.visibleAt !== undefined);
    const latencies = visible.map((c) => (c.visibleAt as number) - c.committedAt);
    ctx.log(`${visible.length}/${changes.length} changes visible in the view`);

    const deletes = await checkBeforeImages(doc, tableName, beforeImages);
    ctx.log(`deleted orders with a complete before-image: ${deletes.complete}/${beforeImages.size}`);

    const replay = await replayStream(ctx, cloud, doc, tableName, streamName);
    ctx.log(
      `replayed ${replay.records} records in ${replay.batches} invocations: ${replay.diffs.length} diffs`,
    );

    const p50VisibleMs = round(percentile(latencies, 50));
    const p99VisibleMs = round(percentile(latencies, 99));
    const maxVisibleMs = latencies.length > 0 ? round(Math.max(...latencies)) : Number.NaN;
    const deleteBeforeImagesComplete = deletes.complete === beforeImages.size;
    const replayDiffs = replay.diffs.length + replay.failures.length;
    const allVisible = visible.length === changes.length;
    const counts = Object.fromEntries(
      (['insert', 'update', 'delete'] as const).map((op) => [op, changes.filter((c) => c.op === op).length]),
    );
    const report: Report = {
      drill: 'cdc-view',
      passed: allVisible && deleteBeforeImagesComplete && replayDiffs === 0,
      metrics: {
        changes: changes.length,
        visible: visible.length,
        p50VisibleMs,
        p99VisibleMs,
        maxVisibleMs,
        warmupVisibleMs,
        deleteBeforeImagesComplete,
        replayDiffs,
        replayedRecords: replay.records,
        viewItems: replay.items,
      },
      evidence: {
        quick: ctx.quick,
        counts,
        notVisible: changes.filter((c) => c.visibleAt === undefined).slice(0, 20),
        incompleteBeforeImages: deletes.problems.slice(0, 20),
        replayDiffSample: replay.diffs.slice(0, 20),
        replayFailures: replay.failures.slice(0, 20),
        latencies: changes.map(({ seq, op, orderId, committedAt, visibleAt }) => ({
          seq,
          op,
          orderId,
          visibleMs: visibleAt === undefined ? null : visibleAt - committedAt,
        })),
      },
    };
    return {
      report,
      readable: readable(report, {
        orders,
        counts,
        p50VisibleMs,
        p99VisibleMs,
        maxVisibleMs,
        latencies: changes.flatMap((c) =>
          c.visibleAt === undefined ? [] : [{ seq: c.seq, op: c.op, ms: c.visibleAt - c.committedAt }],
        ),
      }),
    };
  } finally {
    await db.end().catch(() => {});
    doc.destroy();
    await cloud.stop();
    if (callerEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = callerEndpoint;
    rmSync(dir, { recursive: true, force: true });
  }
}

function requireOutput(cloud: LocalCloud, name: string): string {
  const value = cloud.provisioned.outputs[name];
  if (!value) throw new Error(`stack output ${name} is missing`);
  return value;
}

/**
 * Commits the workload one autocommit statement at a time (inserts, then updates, then deletes), while a
 * watcher polls the view (consistent BatchGet every POLL_MS) and stamps each change when its state shows.
 * Each order's row is read just before its delete: the before-image the history item must keep.
 */
async function writeAndWatch(
  ctx: RunContext,
  db: pg.Client,
  doc: DynamoDBDocumentClient,
  tableName: string,
  orders: number,
) {
  const ids = Array.from({ length: orders }, () => randomUUID());
  const changes: Change[] = [];
  const beforeImages = new Map<string, Item>();
  let writing = true;
  const watcher = watch(doc, tableName, changes, () => writing, ctx.quick ? 60_000 : 120_000);
  const updated = ids.filter((_, i) => i % 2 === 0).length;
  const deleted = ids.filter((_, i) => i % 8 < 2).length;
  const bar = ctx.progress('cdc-view changes', orders + updated + deleted);
  const record = async (op: Op, orderId: string, version: number) => {
    changes.push({ seq: changes.length + 1, op, orderId, version, committedAt: Date.now() });
    bar.tick();
    await sleep(PACE_MS);
  };
  try {
    for (const [i, id] of ids.entries()) {
      await insertOrder(db, id, i);
      await record('insert', id, 1);
    }
    // Every other order moves on a version; every fourth is deleted (half of those after an update).
    for (const [i, id] of ids.entries()) {
      if (i % 2 !== 0) continue;
      const { rows } = await db.query<{ version: string }>(
        `UPDATE orders SET status = 'confirmed', version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING version`,
        [id],
      );
      await record('update', id, Number(rows[0]?.version));
    }
    for (const [i, id] of ids.entries()) {
      if (i % 8 >= 2) continue;
      const { rows } = await db.query<{ row: Item }>(
        'SELECT to_jsonb(o) AS row FROM orders o WHERE id = $1',
        [id],
      );
      beforeImages.set(id, rows[0]?.row ?? {});
      await db.query('DELETE FROM orders WHERE id = $1', [id]);
      await record('delete', id, 0);
    }
  } finally {
    writing = false;
    bar.done();
  }
  await watcher;
  return { changes, beforeImages };
}

async function insertOrder(db: pg.Client, id: string, i: number): Promise<void> {
  await db.query(
    `INSERT INTO orders (id, customer_id, currency, total_cents, items, idempotency_key)
     VALUES ($1, $2, 'EUR', $3, $4::jsonb, $5)`,
    [
      id,
      `drill-${i % 7}`,
      1000 + i,
      JSON.stringify([{ sku: `SKU-${i}`, quantity: 1 + (i % 3), unitPriceCents: 1000 + i }]),
      `key-${id}`,
    ],
  );
}

/** Inserts one order and waits (≤60 s) until the view shows it; returns how long that took. */
async function warmUp(db: pg.Client, doc: DynamoDBDocumentClient, tableName: string): Promise<number> {
  const id = randomUUID();
  await insertOrder(db, id, -1);
  const committedAt = Date.now();
  while (Date.now() - committedAt < 60_000) {
    if ((await currentItems(doc, tableName, [id])).has(id)) return Date.now() - committedAt;
    await sleep(POLL_MS);
  }
  throw new Error('the warm-up order did not reach the view within 60 s');
}

/** Polls until every change is visible or `timeoutMs` passes after the last write. */
async function watch(
  doc: DynamoDBDocumentClient,
  tableName: string,
  changes: Change[],
  writing: () => boolean,
  timeoutMs: number,
): Promise<void> {
  let deadline = Number.POSITIVE_INFINITY;
  while (true) {
    const stillWriting = writing();
    if (!stillWriting && deadline === Number.POSITIVE_INFINITY) deadline = Date.now() + timeoutMs;
    const pending = changes.filter((c) => c.visibleAt === undefined);
    if (pending.length === 0 && !stillWriting) return;
    if (Date.now() > deadline) return;
    const orderIds = [...new Set(pending.map((c) => c.orderId))];
    const current = await currentItems(doc, tableName, orderIds);
    const seenAt = Date.now();
    for (const change of pending) {
      const item = current.get(change.orderId);
      if (item && isVisible(change, item)) change.visibleAt = seenAt;
    }
    await sleep(POLL_MS);
  }
}

/** A change shows once the current item has reached its state (a later state counts: views only move forward). */
function isVisible(change: Change, item: Item): boolean {
  if (item.deleted === true) return true;
  if (change.op === 'delete') return false;
  return Number(item.version) >= change.version;
}

async function currentItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  orderIds: readonly string[],
): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  for (let i = 0; i < orderIds.length; i += 100) {
    let keys: Item[] | undefined = orderIds
      .slice(i, i + 100)
      .map((id) => ({ pk: orderPk(id), sk: CURRENT_SK }));
    while (keys && keys.length > 0) {
      const out: BatchGetCommandOutput = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName] ?? []) items.set(String(item.orderId), item);
      keys = out.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return items;
}

/**
 * Every deleted order must have one history item whose `before` equals the row as it was just before the
 * DELETE, column for column (jsonb compared as JSON, timestamps to the microsecond, numbers by value).
 */
async function checkBeforeImages(
  doc: DynamoDBDocumentClient,
  tableName: string,
  beforeImages: ReadonlyMap<string, Item>,
) {
  const view = await scanAll(doc, tableName);
  const problems: Array<{ orderId: string; problem: string }> = [];
  for (const [orderId, row] of beforeImages) {
    const history = view.filter((i) => i.pk === orderPk(orderId) && String(i.sk).startsWith('DELETED#'));
    if (history.length !== 1) {
      problems.push({ orderId, problem: `${history.length} history items` });
      continue;
    }
    const before = (history[0]?.before ?? {}) as Item;
    const columns = new Set([...Object.keys(row), ...Object.keys(before)]);
    for (const column of columns) {
      if (!(column in before)) problems.push({ orderId, problem: `column ${column} missing` });
      else if (!(column in row)) problems.push({ orderId, problem: `unexpected column ${column}` });
      else if (normalise(before[column]) !== normalise(row[column]))
        problems.push({
          orderId,
          problem: `${column}: view ${JSON.stringify(before[column])} ≠ row ${JSON.stringify(row[column])}`,
        });
    }
  }
  const failed = new Set(problems.map((p) => p.orderId));
  return { complete: beforeImages.size - failed.size, problems };
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/;

/** One comparable text per value: Debezium writes jsonb as text and trims a timestamp's trailing zeros. */
function normalise(value: unknown): string {
  if (typeof value === 'string') {
    const ts = TIMESTAMP.exec(value);
    if (ts) {
      const seconds = Date.parse(`${ts[1]}${ts[3] === 'Z' ? 'Z' : ts[3]}`) / 1000;
      return `ts:${seconds}.${(ts[2] ?? '').padEnd(6, '0').slice(0, 6)}`;
    }
    if (/^[[{]/.test(value)) {
      try {
        return `json:${JSON.stringify(JSON.parse(value))}`;
      } catch {
        return `text:${value}`;
      }
    }
    return `text:${value}`;
  }
  if (typeof value === 'object' && value !== null) return `json:${JSON.stringify(value)}`;
  return typeof value === 'number' || typeof value === 'bigint' ? `text:${value}` : String(value);
}

async function scanAll(doc: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: ScanCommandOutput = await doc.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The view as comparable text per key. */
async function viewSnapshot(doc: DynamoDBDocumentClient, tableName: string): Promise<Map<string, string>> {
  const items = await scanAll(doc, tableName);
  return new Map(items.map((item) => [`${item.pk}|${item.sk}`, canonical(item)]));
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Item)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * Reads every record of the stream from TRIM_HORIZON and invokes the view function with them again, per shard
 * in order, in batches of ≤100 shaped as the runtime's poller shapes them; diffs the whole table before/after.
 */
async function replayStream(
  ctx: RunContext,
  cloud: LocalCloud,
  doc: DynamoDBDocumentClient,
  tableName: string,
  streamName: string,
) {
  const fn = readFunctions(cloud.template, cloud.provisioned, repoRoot).functions.find((f) =>
    f.entry.endsWith(VIEW_ENTRY),
  );
  if (!fn) throw new Error(`no function with entry ${VIEW_ENTRY} in the template`);
  const shards = await readWholeStream(streamName);
  const before = await viewSnapshot(doc, tableName);
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
  const after = await viewSnapshot(doc, tableName);
  const diffs: Array<{ key: string; before?: string; after?: string }> = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [b, a] = [before.get(key), after.get(key)];
    if (b !== a)
      diffs.push({
        key,
        ...(b === undefined ? {} : { before: b }),
        ...(a === undefined ? {} : { after: a }),
      });
  }
  ctx.log(`view: ${before.size} items before the replay, ${after.size} after`);
  return { records, batches, failures, diffs, items: after.size };
}

async function readWholeStream(streamName: string) {
  const kinesis = kinesisClient();
  try {
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    const streamArn = StreamDescriptionSummary?.StreamARN ?? '';
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
    const shards: Array<{ shardId: string; streamArn: string; records: StreamRecord[] }> = [];
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

function readable(
  report: Report,
  figures: {
    orders: number;
    counts: Record<string, number>;
    p50VisibleMs: number;
    p99VisibleMs: number;
    maxVisibleMs: number;
    latencies: Array<{ seq: number; op: Op; ms: number }>;
  },
): ReadableReport {
  const m = report.metrics;
  return {
    title: 'Drill: order view — change visibility, delete history, replay idempotence',
    summary: [
      `A whole local cloud (emulators, Postgres 17, both Debezium connectors, the Lambda runtime) on free ports. ${figures.orders} orders inserted with plain SQL, then ${figures.counts.update} updated (status, version + 1) and ${figures.counts.delete} deleted, one autocommit statement each: ${m.changes} changes. Each change was timed from its commit to the moment a consistent read of the view showed it (polled every ${POLL_MS} ms; one change every ~${PACE_MS} ms; a warm-up order first, visible after ${m.warmupVisibleMs} ms, pays the cold start and is not counted): **p50 ${figures.p50VisibleMs} ms, p99 ${figures.p99VisibleMs} ms, max ${figures.maxVisibleMs} ms**; ${m.visible}/${m.changes} became visible.`,
      `Deletes: every deleted order's history item (\`DELETED#<lsn>\`) was compared column by column with the row read just before the DELETE: complete = **${m.deleteBeforeImagesComplete}**.`,
      `Replay: all ${m.replayedRecords} records of \`OrderChanges\` (heartbeats included) were read from TRIM_HORIZON and handed to the OrderView function again in batches of ≤${REPLAY_BATCH}; the whole table (${m.viewItems} items) was diffed before and after: **${m.replayDiffs} differences**. The writes are guarded by the change's WAL position, so a change the view already holds is a no-op.`,
    ].join('\n\n'),
    charts: [
      {
        name: 'visibility',
        caption: 'Commit → visible in the view, per change',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 480,
          height: 220,
          data: { values: figures.latencies },
          mark: { type: 'point', filled: true, size: 18 },
          encoding: {
            x: { field: 'seq', type: 'quantitative', title: 'change (commit order)' },
            y: { field: 'ms', type: 'quantitative', title: 'ms until visible' },
            color: { field: 'op', type: 'nominal', title: 'change' },
          },
        },
      },
    ],
  };
}
