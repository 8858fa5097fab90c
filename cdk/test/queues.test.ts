import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSUMERS } from '../../lambdas/shared/consumers.ts';
import { redriveMaxReceiveCount } from '../lib/config.ts';
import { functionByEntry, holdlineTemplate, referencedId, resourcesOf } from './template.ts';

describe('consumer queues', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  /** The FIFO queue a consumer's event-source mapping reads. */
  function queueOf(consumer: string) {
    const [functionId] = functionByEntry(template, `lambdas/consumers/${consumer}/handler.ts`);
    const mapping = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).find(
      (m) => m.Properties.FunctionName?.Ref === functionId,
    );
    const queueId = referencedId(mapping?.Properties.EventSourceArn);
    const queue = queueId ? resourcesOf(template, 'AWS::SQS::Queue')[queueId] : undefined;
    if (!queue) throw new Error(`no queue feeds the ${consumer} consumer`);
    return queue;
  }

  it('makes every consumer queue FIFO and dedupes by event id, not by content', () => {
    for (const consumer of CONSUMERS) {
      expect(queueOf(consumer).Properties).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
      });
    }
  });

  it('backs the consumer policy with a FIFO DLQ redrive sized from the outage budget', () => {
    for (const consumer of CONSUMERS) {
      const redrive = queueOf(consumer).Properties.RedrivePolicy;
      expect(redrive.maxReceiveCount).toBe(redriveMaxReceiveCount());
      const dlq = resourcesOf(template, 'AWS::SQS::Queue')[referencedId(redrive.deadLetterTargetArn)!];
      expect(dlq?.Properties).toMatchObject({ FifoQueue: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    }
  });

  it('keeps a message invisible for at least 6x the consumer timeout while it is processed', () => {
    for (const consumer of CONSUMERS) {
      const [, fn] = functionByEntry(template, `lambdas/consumers/${consumer}/handler.ts`);
      expect(fn.Properties.Timeout).toBe(30);
      expect(queueOf(consumer).Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
        6 * fn.Properties.Timeout,
      );
    }
  });

  it('encrypts every queue and refuses plain-HTTP access', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      Object.keys(queues).length,
    );
  });

  it('alarms on the first message in each DLQ and on-failure queue', () => {
    const dlqIds = CONSUMERS.map((c) =>
      referencedId(queueOf(c).Properties.RedrivePolicy.deadLetterTargetArn),
    );
    const alarmed = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))
      // The slot guard's alarms (cdk/test/slot-guard.test.ts) watch other metrics of the same queues.
      .filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => {
        expect(a.Properties).toMatchObject({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        return a.Properties.Dimensions[0].Value['Fn::GetAtt'][0] as string;
      });
    expect(alarmed).toEqual(expect.arrayContaining(dlqIds));
    // 3 consumer DLQs, 3 change consumers × 2 lanes, 3 stream readers' failure queues
    expect(alarmed).toHaveLength(12);
  });

  it('gives the Kinesis consumers standard on-failure queues that keep pointers 14 days', () => {
    for (const mapping of Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'))) {
      const destination = mapping.Properties.DestinationConfig?.OnFailure?.Destination;
      if (!destination) continue;
      const queue = resourcesOf(template, 'AWS::SQS::Queue')[referencedId(destination)!];
      expect(queue?.Properties.FifoQueue).toBeUndefined();
      expect(queue?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    }
  });
});
