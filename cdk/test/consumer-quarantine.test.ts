import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { outageReceives } from '../../lambdas/consumers/failure-policy.ts';
import { CONSUMERS } from '../../lambdas/shared/consumers.ts';
import { config, consumerRetryBudget } from '../lib/config.ts';
import { functionByEntry, holdlineTemplate, referencedId, resourcesOf } from './template.ts';

// The consumers' failure policy (lambdas/consumers/failure-policy.ts) reads its queue, its DLQ and the retry budget
// from the environment; these tests pin that the template hands it the same numbers the queue's redrive uses.
describe('consumer quarantine wiring', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  function wiring(consumer: string) {
    const [functionId, fn] = functionByEntry(template, `lambdas/consumers/${consumer}/handler.ts`);
    const mapping = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).find(
      (m) => m.Properties.FunctionName?.Ref === functionId,
    );
    const queueId = referencedId(mapping?.Properties.EventSourceArn)!;
    const queue = resourcesOf(template, 'AWS::SQS::Queue')[queueId]!;
    const dlqId = referencedId(queue.Properties.RedrivePolicy.deadLetterTargetArn)!;
    return { fn, queueId, queue, dlqId, env: fn.Properties.Environment.Variables };
  }

  it('gives each consumer its own queue, its own DLQ and the retry budget of the config', () => {
    for (const consumer of CONSUMERS) {
      const { env, queueId, dlqId } = wiring(consumer);
      expect(referencedId(env.QUEUE_URL), consumer).toBe(queueId);
      expect(referencedId(env.DLQ_URL), consumer).toBe(dlqId);
      expect(env).toMatchObject({
        MAX_ATTEMPTS: String(config.messageAttempts),
        RETRY_BACKOFF_BASE_SECONDS: String(config.consumerRetryBackoffBase.toSeconds()),
        RETRY_BACKOFF_MAX_SECONDS: String(config.consumerRetryBackoffMax.toSeconds()),
        OUTAGE_BUDGET_SECONDS: String(6 * 3600),
        OUTAGE_BACKOFF_MAX_SECONDS: String(config.outageBackoffMax.toSeconds()),
      });
    }
  });

  it('sets the queue redrive above every receive a 6 h outage can spend, so SQS never moves a waiting message', () => {
    for (const consumer of CONSUMERS) {
      const { queue } = wiring(consumer);
      const budget = consumerRetryBudget();
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBeGreaterThan(
        outageReceives(budget) + budget.maxAttempts - 1,
      );
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBeLessThanOrEqual(1000);
    }
  });

  it('keeps the longest retry backoff inside the queue visibility, so a backoff never lengthens a retry', () => {
    const { queue } = wiring('payment');
    expect(config.outageBackoffMax.toSeconds()).toBeLessThanOrEqual(queue.Properties.VisibilityTimeout);
  });

  it('lets each consumer send to its own DLQ and to no other', () => {
    for (const consumer of CONSUMERS) {
      const { fn, dlqId } = wiring(consumer);
      const roleId = referencedId(fn.Properties.Role);
      const sendTargets = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
        .filter((p) => p.Properties.Roles?.some((r: unknown) => referencedId(r) === roleId))
        .flatMap(
          (p) =>
            p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
        )
        .filter((s) => [s.Action].flat().includes('sqs:SendMessage'))
        .map((s) => referencedId(s.Resource));
      expect(sendTargets, consumer).toEqual([dlqId]);
    }
  });
});
