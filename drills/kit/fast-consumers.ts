import { ENTRY_METADATA } from '../../cdk/lib/entry-metadata.ts';
import type { CfnTemplate } from '../../localstack/cloud/provision/index.ts';

/**
 * Drill time compression, applied to the synthesized template before the local cloud provisions it: the consumer
 * functions get a `timeoutSeconds` timeout and their queues a `visibilitySeconds` visibility timeout (30 s and
 * 180 s in the CDK app). The property the deployed values keep is kept too: visibility > timeout + a cold start, so
 * when a crashed invocation's message comes back, its in-progress idempotency record (which expires with the
 * invocation) has expired. Only the numbers shrink, so a crash costs seconds instead of three minutes.
 */
export function fastConsumers(timeoutSeconds: number, visibilitySeconds: number) {
  return (template: CfnTemplate): void => {
    const resources = template.Resources ?? {};
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::Lambda::EventSourceMapping') continue;
      const props = resource.Properties ?? {};
      const queueId = (props.EventSourceArn as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0];
      const fnRef = props.FunctionName as { Ref?: string } | undefined;
      const queue = queueId ? resources[queueId] : undefined;
      const fn = fnRef?.Ref ? resources[fnRef.Ref] : undefined;
      if (queue?.Type !== 'AWS::SQS::Queue' || !fn) continue;
      const entry = String((fn.Metadata as Record<string, unknown> | undefined)?.[ENTRY_METADATA] ?? '');
      if (!entry.startsWith('lambdas/consumers/')) continue;
      fn.Properties = { ...fn.Properties, Timeout: timeoutSeconds };
      queue.Properties = { ...queue.Properties, VisibilityTimeout: visibilitySeconds };
    }
  };
}
