import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { type MariaDbCapture, startMariaDbCapture } from '../../localstack/cloud/debezium/mariadb-capture.ts';
import { orderViewCaptureProperties } from '../../localstack/cloud/mariadb-source.ts';
import { mariaDbPortSetting } from '../../localstack/config.ts';
import { checkBeforeImages } from '../cdc-view/before-images.ts';
import { replayStream } from '../cdc-view/replay.ts';
import type { RunContext } from '../kit/context.ts';
import { startIsolatedCloud } from '../kit/drill-cloud.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { throwawayMariaDb } from '../kit/throwaway-mariadb.ts';
import { mariaDbViewReport } from './report.ts';
import { checkSourceEqualsView } from './source-diff.ts';
import { warmUp, writeAndWatch } from './workload.ts';

/**
 * Drill: the order view fed from MariaDB's binlog instead of Postgres's WAL. The same OrderView λ, stream and table
 * as cdc-view; the capture is Debezium Server's MariaDB connector, configured by `mariaDbDebeziumProperties`.
 * prepare: a cloud without the Postgres connectors, a MariaDB of its own, the capture, a warm-up order ·
 * inject: the mixed workload (workload.ts), then a replay of the whole stream (cdc-view/replay.ts) ·
 * observe: visibility, before-images, the view against MariaDB row by row (source-diff.ts) · verdict: report.ts.
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const orders = ctx.quick ? 20 : 300;
  const started = Date.now();
  // The cloud and MariaDB start side by side (they share nothing); the Postgres connectors are not started:
  // nothing here writes to Postgres, and each costs a JVM.
  const [cloudStart, mariadbStart] = await Promise.allSettled([
    startIsolatedCloud('cdc-view-mariadb', ctx, () => ({ cdc: false, slotGuard: false })),
    throwawayMariaDb('cdc-view-mariadb', { port: mariaDbPortSetting() }),
  ]);
  if (cloudStart.status === 'rejected' || mariadbStart.status === 'rejected') {
    if (cloudStart.status === 'fulfilled') await cloudStart.value.stop();
    if (mariadbStart.status === 'fulfilled') await mariadbStart.value.dispose();
    throw cloudStart.status === 'rejected'
      ? cloudStart.reason
      : (mariadbStart as PromiseRejectedResult).reason;
  }
  const drill = cloudStart.value;
  const mariadb = mariadbStart.value;
  const { cloud } = drill;
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(cloud.aws)));
  let capture: MariaDbCapture | undefined;
  try {
    const tableName = cloud.output('OrderViewTableName');
    const streamName = cloud.output('OrderChangesStreamName');
    const properties = orderViewCaptureProperties(
      mariadb.server.port,
      streamName,
      cloud.provisioned.pseudo.region,
    );
    capture = await startMariaDbCapture({
      properties,
      cdc: mariadb.logins.cdc,
      access: cloud.aws,
      region: cloud.provisioned.pseudo.region,
      dataDir: join(drill.dir, 'debezium-mariadb'),
    });
    ctx.log(`MariaDB ${mariadb.server.port} and its capture up after ${Date.now() - started} ms`);

    const warmupVisibleMs = await warmUp(mariadb.logins.app, doc, tableName);
    ctx.log(`warm-up order visible after ${warmupVisibleMs} ms (cold start, not in the figures)`);
    const { changes, beforeImages } = await writeAndWatch(ctx, mariadb.logins, doc, tableName, orders);
    ctx.log(`${changes.filter((c) => c.visibleAt !== undefined).length}/${changes.length} changes visible`);
    const deletes = await checkBeforeImages(doc, tableName, beforeImages);
    ctx.log(`deleted orders with a complete before-image: ${deletes.complete}/${beforeImages.size}`);
    const source = await checkSourceEqualsView(mariadb.logins.admin, doc, tableName);
    ctx.log(`view against MariaDB: ${source.rows} rows, ${source.diffs.length} diffs`);
    const replay = await replayStream(ctx, cloud, doc, tableName, streamName);
    ctx.log(
      `replayed ${replay.records} records in ${replay.batches} invocations: ${replay.diffs.length} diffs`,
    );
    const afterReplay = await checkSourceEqualsView(mariadb.logins.admin, doc, tableName);
    return mariaDbViewReport(ctx.quick, {
      orders,
      warmupVisibleMs,
      changes,
      beforeImages,
      deletes,
      replay,
      source,
      afterReplay,
      capture: {
        connectorClass: properties['debezium.source.connector.class'] ?? '',
        startup: capture.startup,
      },
      wallMs: Date.now() - started,
      sampleRecord: replay.sample,
    });
  } finally {
    doc.destroy();
    await capture?.stop();
    await mariadb.dispose();
    await drill.stop();
  }
}
