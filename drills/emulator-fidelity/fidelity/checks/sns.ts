import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Check, CheckContext, CheckOutcome } from '../types.ts';
import { bodies, drain, fifoQueue, groupOf, type Queue, receive, sqsClient } from './sqs-helpers.ts';
import { clientConfig, fail, pass } from './util.ts';

// SNS is probed because the fan-out (router → SNS FIFO → per-consumer SQS FIFO) can only be emulated by an
// emulator that owns both: SNS in one process cannot deliver into another emulator's queues.

interface FanOut {
  topicArn: string;
  queues: Queue[];
}

async function fanOut(sns: SNSClient, sqs: SQSClient, ctx: CheckContext, suffix: string): Promise<FanOut> {
  const topic = await sns.send(
    new CreateTopicCommand({
      Name: `${ctx.prefix}-${suffix}.fifo`,
      Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' },
    }),
  );
  const topicArn = topic.TopicArn;
  if (!topicArn) throw new Error('CreateTopic returned no TopicArn');
  const queues = [await fifoQueue(sqs, ctx, `${suffix}-q1`), await fifoQueue(sqs, ctx, `${suffix}-q2`)];
  for (const q of queues) {
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: q.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
  }
  return { topicArn, queues };
}

function snsCheck(
  id: string,
  title: string,
  body: (sns: SNSClient, sqs: SQSClient, ctx: CheckContext) => Promise<CheckOutcome>,
  critical = false,
): Check {
  return {
    id,
    title,
    critical,
    async run(ctx) {
      const sns = new SNSClient(clientConfig(ctx.endpoint));
      const sqs = sqsClient(ctx);
      try {
        return await body(sns, sqs, ctx);
      } finally {
        sns.destroy();
        sqs.destroy();
      }
    },
  };
}

export const snsChecks: Check[] = [
  snsCheck(
    'fifo-fanout',
    'FIFO topic → two FIFO queues (raw delivery): each gets the body with its MessageGroupId',
    async (sns, sqs, ctx) => {
      const f = await fanOut(sns, sqs, ctx, 'fan');
      await sns.send(
        new PublishCommand({
          TopicArn: f.topicArn,
          Message: 'O1',
          MessageGroupId: 'order-1',
          MessageDeduplicationId: 'o1',
        }),
      );
      const got = await Promise.all(
        f.queues.map(async (q) => (await receive(sqs, q.url, { waitSeconds: 2 }))[0]),
      );
      const seen = got
        .map((m, i) => `q${i + 1}: ${m ? `${m.Body} group=${groupOf(m)}` : 'nothing'}`)
        .join('; ');
      return got.every((m) => m?.Body === 'O1' && groupOf(m) === 'order-1') ? pass(seen) : fail(seen);
    },
    true,
  ),

  snsCheck(
    'fifo-topic-dedup',
    'Same dedup id published twice → one copy per queue',
    async (sns, sqs, ctx) => {
      const f = await fanOut(sns, sqs, ctx, 'dedup');
      for (const body of ['first', 'second']) {
        await sns.send(
          new PublishCommand({
            TopicArn: f.topicArn,
            Message: body,
            MessageGroupId: 'g',
            MessageDeduplicationId: 'same',
          }),
        );
      }
      const got = await Promise.all(f.queues.map(async (q) => bodies(await drain(sqs, q.url))));
      const seen = got.map((b, i) => `q${i + 1}: [${b}]`).join('; ');
      return got.every((b) => b.join() === 'first') ? pass(seen) : fail(seen);
    },
  ),
];
