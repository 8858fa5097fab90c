import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from '../../cdk/lib/config.ts';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { localAccess } from '../../localstack/cloud/local-cloud.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';
import { freePort } from '../../localstack/lib/process.ts';
import { candidateNamed } from '../../localstack/processes/emulators/selection.ts';
import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { type FifoArmResult, runFifoArm } from './fifo-arm.ts';
import { keyings, whaleBuckets } from './keying.ts';
import { type KinesisArmResult, runKinesisArm } from './kinesis-arm.ts';
import type { LoadShape } from './load.ts';
import { hotKeyReport } from './report.ts';
import { verdict } from './verdict.ts';

/** The modelled per-shard consumer ceiling (shard-reader.ts): below a shard's 1,000 records/s write limit. */
const consumerRecordsPerSecond = 800;

/**
 * Drill: a whale customer's key pushed past one shard's write limit. The three keyings publish the same
 * outbox-shaped load to a fresh 4-shard stream of the Kinesis emulator (limits on), one after the other, through
 * a producer that retries throttled records; an in-drill consumer reads every shard. Then two SQS FIFO arms
 * (ElasticMQ) with the whale's events in one group per customer or one per order.
 * prepare: the two emulators · inject: the whale (kinesis-arm.ts, fifo-arm.ts) · observe: per-shard records,
 * throttling, iterator age, latency, per-order order · verdict: verdict.ts.
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const kinesisLoad: LoadShape = {
    whaleRecordsPerSecond: 1500,
    othersRecordsPerSecond: 300,
    otherCustomers: 30,
    seconds: ctx.quick ? 3 : 30,
  };
  // FIFO: rates a 2-core ElasticMQ serves without saturating, so the group is what limits the whale.
  const fifoLoad: LoadShape = {
    whaleRecordsPerSecond: 150,
    othersRecordsPerSecond: 60,
    otherCustomers: 30,
    seconds: ctx.quick ? 2 : 20,
  };
  const fifoWorkers = 4;
  const fifoProcessMs = 10;
  ctx.log('starting ferrokinesis and ElasticMQ');
  const [kinesisEmulator, sqsEmulator] = await Promise.all([
    freePort().then((port) => candidateNamed('ferrokinesis').start(port, { logName: 'hot-key-kinesis' })),
    freePort().then((port) => candidateNamed('elasticmq').start(port, { logName: 'hot-key-sqs' })),
  ]);
  const kinesis = kinesisClient(localAccess(kinesisEmulator.url));
  const sqs = new SQSClient(awsClientConfig(localAccess(sqsEmulator.url)));
  try {
    const kinesisArms: KinesisArmResult[] = [];
    for (const keying of keyings) {
      ctx.log(`keying by ${keying}: ${kinesisLoad.seconds} s`);
      kinesisArms.push(
        await runKinesisArm({
          kinesis,
          keying,
          shards: config.orderEventsShardCount,
          load: kinesisLoad,
          consumerRecordsPerSecond,
          drainMs: kinesisLoad.seconds * 2000 + 5000,
          log: ctx.log,
        }),
      );
    }
    const fifoArms: FifoArmResult[] = [];
    for (const whaleGroup of ['per-customer', 'per-order'] as const) {
      ctx.log(`SQS FIFO, whale group ${whaleGroup}: ${fifoLoad.seconds} s`);
      fifoArms.push(
        await runFifoArm({
          sqs,
          whaleGroup,
          load: fifoLoad,
          workers: fifoWorkers,
          processMs: fifoProcessMs,
          drainMs: fifoLoad.seconds * 3000 + 5000,
          log: ctx.log,
        }),
      );
    }
    const judged = verdict(kinesisArms, fifoArms);
    return hotKeyReport({
      passed: judged.passed,
      rules: judged.rules,
      kinesisArms,
      fifoArms,
      setup: {
        shards: config.orderEventsShardCount,
        kinesisLoad,
        fifoLoad,
        fifoWorkers,
        fifoProcessMs,
        consumerRecordsPerSecond,
        whaleBuckets,
      },
    });
  } finally {
    kinesis.destroy();
    sqs.destroy();
    await Promise.all([kinesisEmulator.stop(), sqsEmulator.stop()]);
  }
}
