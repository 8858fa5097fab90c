import { setTimeout as sleep } from 'node:timers/promises';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';
import type { Sample } from './breakdown.ts';
import { now } from './offer.ts';

/** Tails every shard of a stream from TRIM_HORIZON, polling every 20 ms when idle, until stopped. */
function tailStream(
  access: AwsAccess,
  streamName: string,
  onRecord: (data: string, arrivalAt: number | undefined) => void,
) {
  const kinesis = kinesisClient(access);
  let running = true;
  const decoder = new TextDecoder();
  const tailShard = async (shardId: string | undefined) => {
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (running && iterator !== undefined) {
      const out = await kinesis
        .send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }))
        .catch(() => undefined); // a slow or busy emulator: try the same iterator again
      if (out === undefined) {
        await sleep(100);
        continue;
      }
      iterator = out.NextShardIterator;
      for (const record of out.Records ?? [])
        onRecord(decoder.decode(record.Data), record.ApproximateArrivalTimestamp?.getTime());
      // 20 ms: fine enough to time a record, light enough not to load the single-threaded emulator.
      if ((out.Records ?? []).length === 0) await sleep(20);
    }
  };
  // Settled with a catch so a failed ListShards surfaces in stop(), not as an unhandled rejection mid-phase.
  const done = (async () => {
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
    await Promise.all(Shards.map((shard) => tailShard(shard.ShardId)));
  })().then(
    () => undefined,
    (error: unknown) => error,
  );
  return {
    async stop() {
      running = false;
      const error = await done;
      kinesis.destroy();
      if (error) throw error;
    },
  };
}

/** `loops` concurrent long-poll receivers on one queue; deletes what they receive. */
function drainQueue(
  sqs: SQSClient,
  queueUrl: string,
  loops: number,
  onMessage: (body: string, sentAt: number) => void,
) {
  let running = true;
  const deletes: Promise<unknown>[] = [];
  const loop = async () => {
    while (running) {
      const out = await sqs
        .send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['SentTimestamp'],
          }),
        )
        .catch(() => undefined); // a transient emulator error: receive again
      const messages = out?.Messages ?? [];
      for (const m of messages) onMessage(m.Body ?? '', Number(m.Attributes?.SentTimestamp));
      if (messages.length > 0)
        deletes.push(
          sqs
            .send(
              new DeleteMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
              }),
            )
            .catch(() => {}),
        );
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return {
    async stop() {
      running = false;
      await done;
      await Promise.all(deletes);
    },
  };
}

/**
 * Stamps each tracked order's sample where the bench sees it: its OrderPlaced record in `OrderEvents` (seen and
 * arrival time) and its message in the payment queue (received and sent time). Orders not in `byOrder` are ignored.
 */
export function watchPipeline(cloud: LocalCloud, sqs: SQSClient, byOrder: ReadonlyMap<string, Sample>) {
  const stream = tailStream(cloud.aws, cloud.output('OrderEventsStreamName'), (data, arrivalAt) => {
    const seenAt = now();
    let event: { aggregateId?: string; eventId?: string };
    try {
      event = JSON.parse(data) as typeof event;
    } catch {
      return;
    }
    const sample = event.aggregateId ? byOrder.get(event.aggregateId) : undefined;
    if (!sample || sample.kinesisSeenAt !== undefined) return;
    sample.kinesisSeenAt = seenAt;
    sample.kinesisArrivalAt = arrivalAt;
    sample.eventId = event.eventId;
  });
  const queue = drainQueue(sqs, cloud.provisioned.outputs.PaymentQueueUrl!, 4, (body, sentAt) => {
    const receivedAt = now();
    const { aggregateId } = JSON.parse(body) as { aggregateId?: string };
    const sample = aggregateId ? byOrder.get(aggregateId) : undefined;
    if (!sample || sample.queueReceivedAt !== undefined) return;
    sample.queueReceivedAt = receivedAt;
    sample.queueSentAt = Number.isFinite(sentAt) ? sentAt : undefined;
  });
  return {
    async stop() {
      await stream.stop();
      await queue.stop();
    },
  };
}
