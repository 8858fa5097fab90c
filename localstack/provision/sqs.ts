import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ProvisionInput, ProvisionOutput } from './types.ts';

// CloudFormation property → SQS attribute, for the plain scalar ones.
const scalarAttributes = [
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'SqsManagedSseEnabled',
] as const;

/** True when the queue properties ask for a FIFO queue. */
export function isFifoQueue(props: Record<string, unknown>): boolean {
  return props.FifoQueue === true || props.FifoQueue === 'true';
}

/** SQS `Attributes` for CreateQueue from resolved AWS::SQS::Queue properties (unset properties keep SQS defaults). */
export function queueAttributes(props: Record<string, unknown>): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (isFifoQueue(props)) attributes.FifoQueue = 'true';
  for (const name of scalarAttributes) {
    if (props[name] !== undefined) attributes[name] = String(props[name]);
  }
  for (const name of ['RedrivePolicy', 'RedriveAllowPolicy'] as const) {
    const value = props[name];
    if (value !== undefined) attributes[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return attributes;
}

/** Creates the queue, or updates the attributes of the one already there. Ref = URL; attrs Arn, QueueName, QueueUrl. */
export async function provisionQueue(sqs: SQSClient, input: ProvisionInput): Promise<ProvisionOutput> {
  const attributes = queueAttributes(input.props);
  if (input.props.KmsMasterKeyId !== undefined)
    input.warn(`${input.logicalId}: KMS encryption not applied locally`);
  let url = await existingQueueUrl(sqs, input.name);
  const status = url === undefined ? 'created' : 'updated';
  if (url === undefined) {
    url = (await sqs.send(new CreateQueueCommand({ QueueName: input.name, Attributes: attributes })))
      .QueueUrl;
  } else {
    // FifoQueue cannot change after creation; everything else is settable.
    const { FifoQueue: _fifo, ...mutable } = attributes;
    if (Object.keys(mutable).length > 0) {
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: mutable }));
    }
  }
  if (url === undefined) throw new Error(`CreateQueue returned no URL for ${input.name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'FifoQueue'] }),
  );
  const arn = Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`GetQueueAttributes returned no QueueArn for ${input.name}`);
  if ((Attributes?.FifoQueue === 'true') !== isFifoQueue(input.props)) {
    throw new Error(`queue ${input.name} exists with a different FifoQueue setting; delete it first`);
  }
  return { status, ref: url, attrs: { Arn: arn, QueueName: input.name, QueueUrl: url } };
}

async function existingQueueUrl(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (error instanceof Error && /QueueDoesNotExist|NonExistentQueue/.test(error.name)) return undefined;
    throw error;
  }
}
