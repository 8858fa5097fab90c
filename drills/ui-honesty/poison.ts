import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { waitFor } from '../kit/drill-cloud.ts';
import { type GaugesAnswer, readGaugesApi } from './on-call-panel.ts';

/**
 * A step that moves the on-call gauges: `count` malformed messages on the payment queue. The consumer can never
 * parse them, so it quarantines each one to the payment DLQ (DLQ depth rises) and reports how old the batch was
 * when it received it (consumer lag). Then waits until the gauges API shows the DLQ holding them and its alarm
 * firing (the local evaluator's next turns); a slow evaluator only leaves the badge as it was.
 */
export async function poisonPaymentQueue(
  cloud: LocalCloud,
  count: number,
  timeoutMs = 60_000,
): Promise<{ sent: number; dlqDepthShown: number | null; dlqAlarmShown: boolean }> {
  const sqs = new SQSClient(awsClientConfig(cloud.aws));
  try {
    const run = randomUUID().slice(0, 8);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: cloud.provisioned.outputs.PaymentQueueUrl!,
        Entries: Array.from({ length: count }, (_, i) => ({
          Id: `poison-${i}`,
          MessageBody: `{"not":"an order event","drill":"ui-honesty","n":${i}}`,
          MessageGroupId: `ui-honesty-poison-${run}-${i}`,
          MessageDeduplicationId: `ui-honesty-poison-${run}-${i}`,
        })),
      }),
    );
  } finally {
    sqs.destroy();
  }
  let last: GaugesAnswer | undefined;
  const dlqOf = (read: GaugesAnswer | undefined) => read?.gauges.find((g) => g.id === 'dlq-depth');
  await waitFor(
    async () => {
      last = await readGaugesApi(cloud);
      const dlq = dlqOf(last);
      const lag = last.gauges.find((g) => g.id === 'consumer-lag')?.value ?? null;
      return (dlq?.value ?? 0) >= count && dlq?.state === 'ALARM' && lag !== null ? last : undefined;
    },
    timeoutMs,
    2000,
  );
  return {
    sent: count,
    dlqDepthShown: dlqOf(last)?.value ?? null,
    dlqAlarmShown: dlqOf(last)?.state === 'ALARM',
  };
}
