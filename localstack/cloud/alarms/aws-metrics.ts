import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type AwsAccess, awsClientConfig } from '../../../lambdas/shared/aws-access.ts';
import type { Provisioned } from '../provision/index.ts';

/**
 * Publishes, locally, the AWS/SQS metrics AWS publishes by itself (no emulator does): per provisioned queue,
 * `ApproximateNumberOfMessagesVisible` and `ApproximateNumberOfMessagesNotVisible` from GetQueueAttributes,
 * dimension `QueueName`, every `intervalMs`. Not published: `ApproximateAgeOfOldestMessage` — reading a
 * message's SentTimestamp needs a ReceiveMessage, which would raise its receive count and so change when the
 * queue's redrive moves it to the DLQ. The consumers report the age they receive messages at instead
 * (`OldestMessageAgeAtReceive`, EMF), which the on-call panel's consumer lag reads here and in AWS.
 */
export function startSqsMetricsPublisher(
  access: AwsAccess,
  provisioned: Pick<Provisioned, 'resources'>,
  intervalMs: number,
  onError: (error: unknown) => void = () => {},
): { publishOnce(): Promise<void>; stop(): Promise<void> } {
  const sqs = new SQSClient(awsClientConfig(access));
  const cw = new CloudWatchClient(awsClientConfig(access));
  const queues = Object.values(provisioned.resources)
    .filter((r) => r.type === 'AWS::SQS::Queue' && r.attrs.QueueName)
    .map((r) => ({ url: r.ref, name: r.attrs.QueueName as string }));

  async function publishOnce(): Promise<void> {
    const at = new Date();
    const data = [];
    for (const q of queues) {
      const { Attributes: a = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: q.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const dims = [{ Name: 'QueueName', Value: q.name }];
      data.push(
        {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Value: Number(a.ApproximateNumberOfMessages ?? 0),
          Unit: 'Count' as const,
          Dimensions: dims,
          Timestamp: at,
        },
        {
          MetricName: 'ApproximateNumberOfMessagesNotVisible',
          Value: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
          Unit: 'Count' as const,
          Dimensions: dims,
          Timestamp: at,
        },
      );
    }
    for (let i = 0; i < data.length; i += 20)
      await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/SQS', MetricData: data.slice(i, i + 20) }));
  }

  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(publishOnce).catch(onError);
  }, intervalMs);
  return {
    publishOnce,
    stop: async () => {
      clearInterval(timer);
      await running.catch(() => {});
      sqs.destroy();
      cw.destroy();
    },
  };
}
