import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { config } from '../lib/config.ts';
import { functionByEntry, holdlineTemplate, referencedId, resourcesOf } from './template.ts';

describe('event-source mappings', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  /** The mapping that invokes the function with this entry. */
  function mappingFor(entry: string) {
    const [functionId] = functionByEntry(template, entry);
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => m.Properties.FunctionName?.Ref === functionId,
    );
    expect(mappings).toHaveLength(1);
    return mappings[0]!.Properties;
  }

  /** Logical id of the stream whose name is the given stack output. */
  function streamOfOutput(outputId: string): string {
    return referencedId(template.toJSON().Outputs[outputId].Value)!;
  }

  describe.each([
    ['lambdas/consumers/payment/handler.ts'],
    ['lambdas/consumers/inventory/handler.ts'],
    ['lambdas/consumers/notification/handler.ts'],
  ])('%s ← its FIFO queue', (entry) => {
    it('takes full batches of 10 and reports failed messages individually', () => {
      expect(mappingFor(entry)).toMatchObject({
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('sets no batching window, which FIFO event sources reject', () => {
      expect(mappingFor(entry).MaximumBatchingWindowInSeconds).toBeUndefined();
    });
  });

  describe.each([
    ['router', 'lambdas/router/handler.ts', 'OrderEventsStreamName', 'RouterFailureQueueUrl'],
    ['order view', 'lambdas/order-view/handler.ts', 'OrderChangesStreamName', 'OrderViewFailureQueueUrl'],
  ])('%s ← Kinesis', (_name, entry, streamOutput, failureOutput) => {
    it('reads its own stream from the oldest record', () => {
      const mapping = mappingFor(entry);
      expect(referencedId(mapping.EventSourceArn)).toBe(streamOfOutput(streamOutput));
      expect(mapping.StartingPosition).toBe('TRIM_HORIZON');
    });

    it('narrows a failing batch by bisecting and by partial-batch responses', () => {
      expect(mappingFor(entry)).toMatchObject({
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 0,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ParallelizationFactor: 1,
      });
    });

    it('retries a failed record for the outage budget, not a count, and the stream keeps it longer', () => {
      const mapping = mappingFor(entry);
      // No count: CloudFormation's default is −1, retry until the record's age limit.
      expect(mapping.MaximumRetryAttempts).toBeUndefined();
      expect(mapping.MaximumRecordAgeInSeconds).toBe(config.outageBudget.toSeconds());
      const stream = template.toJSON().Resources[streamOfOutput(streamOutput)];
      expect(stream.Properties.RetentionPeriodHours * 3600).toBeGreaterThan(
        mapping.MaximumRecordAgeInSeconds,
      );
    });

    it('can quarantine a record itself: its failure queue URL in the environment, and leave to send there', () => {
      const [, fn] = functionByEntry(template, entry);
      const failureQueueId = referencedId(template.toJSON().Outputs[failureOutput].Value);
      expect(referencedId(fn.Properties.Environment.Variables.FAILURE_QUEUE_URL)).toBe(failureQueueId);
    });

    it('sends a pointer to its own on-failure queue after the retries', () => {
      const destination = mappingFor(entry).DestinationConfig.OnFailure.Destination;
      const failureQueueId = referencedId(template.toJSON().Outputs[failureOutput].Value);
      expect(referencedId(destination)).toBe(failureQueueId);
    });
  });

  it('lets each Kinesis reader send to its on-failure queue', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: {
              'Fn::GetAtt': [referencedId(template.toJSON().Outputs.RouterFailureQueueUrl.Value), 'Arn'],
            },
          }),
        ]),
      },
    });
  });
});
