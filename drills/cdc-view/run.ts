import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import { type LocalCloud, startLocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { stateDir } from '../../localstack/lib/paths.ts';
import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { checkBeforeImages } from './before-images.ts';
import { replayStream } from './replay.ts';
import { drillReport } from './report.ts';
import { warmUp, writeAndWatch } from './workload.ts';

/**
 * Drill: the order view (Debezium `orders` capture → Kinesis `OrderChanges` → OrderView λ → DynamoDB).
 * Inserts orders through the order store, updates and deletes them with plain SQL, measures how long each change
 * takes to show in the view, checks every deletion kept the full before-image, then replays the whole stream into
 * the function and proves the view did not change (every write is guarded by the change's WAL position).
 * prepare: a fresh cloud, a warm-up order · inject: the workload (workload.ts) and the replay (replay.ts) ·
 * observe: visibility (view.ts), before-images (before-images.ts) · verdict: report.ts.
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const orders = ctx.quick ? 20 : 300;
  const base = join(stateDir, 'drills', 'cdc-view');
  mkdirSync(base, { recursive: true });
  // Postgres runs as `holdline-pg` when we are root: it must be able to reach its data directory.
  chmodSync(base, 0o755);
  const dir = mkdtempSync(join(base, 'run-'));
  chmodSync(dir, 0o755);
  const cloud = await startLocalCloud({
    stateDir: dir,
    logDir: join(dir, 'logs'),
    ports: { aws: 0, postgres: 0, api: 0 },
    fresh: true,
    progress: (line) => ctx.log(`  ${line}`),
  });
  const db = new pg.Client({ connectionString: cloud.database.admin });
  // One connection: the workload writes one statement at a time.
  const app = createPgClient({ connectionString: cloud.database.app, max: 1 });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(cloud.aws)));
  try {
    await db.connect();
    const tableName = requireOutput(cloud, 'OrderViewTableName');
    const streamName = requireOutput(cloud, 'OrderChangesStreamName');

    // One order first, outside the figures: the first change pays the function's cold start.
    const warmupVisibleMs = await warmUp(app, doc, tableName);
    ctx.log(`warm-up order visible after ${warmupVisibleMs} ms (cold start, not in the figures)`);
    const writers = { orders: app, db };
    const { changes, beforeImages } = await writeAndWatch(ctx, writers, doc, tableName, orders);
    const visible = changes.filter((c) => c.visibleAt !== undefined).length;
    ctx.log(`${visible}/${changes.length} changes visible in the view`);

    const deletes = await checkBeforeImages(doc, tableName, beforeImages);
    ctx.log(`deleted orders with a complete before-image: ${deletes.complete}/${beforeImages.size}`);

    const replay = await replayStream(ctx, cloud, doc, tableName, streamName);
    ctx.log(
      `replayed ${replay.records} records in ${replay.batches} invocations: ${replay.diffs.length} diffs`,
    );
    return drillReport(ctx.quick, { orders, warmupVisibleMs, changes, beforeImages, deletes, replay });
  } finally {
    await db.end().catch(() => {});
    await app.close().catch(() => {});
    doc.destroy();
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function requireOutput(cloud: LocalCloud, name: string): string {
  const value = cloud.provisioned.outputs[name];
  if (!value) throw new Error(`stack output ${name} is missing`);
  return value;
}
