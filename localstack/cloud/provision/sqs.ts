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

/** "The attribute X is invalid": how ElasticMQ refuses attributes it does not implement (e.g. DeduplicationScope). */
function rejectedAttribute(error: unknown): string | undefined {
  return /attribute (\w+) is invalid/i.exec(error instanceof Error ? error.message : '')?.[1];
}

/**
 * Sends attributes; an attribute the emulator refuses is dropped with a warning and the call retried, so a gap in
 * the emulator is reported instead of failing the whole cloud. FifoQueue is never dropped.
 */
async function withoutRejected<T>(
  attributes: Record<string, string>,
  warn: (message: string) => void,
  send: (attributes: Record<string, string>) => Promise<T>,
): Promise<T> {
  const remaining = { ...attributes };
  for (;;) {
    try {
      return await send(remaining);
    } catch (error) {
      const name = rejectedAttribute(error);
      if (!name || name === 'FifoQueue' || !(name in remaining)) throw error;
      warn(`the SQS emulator refuses the queue attribute ${name}=${remaining[name]}; not applied locally`);
      delete remaining[name];
    }
  }
}

/** Creates the queue, or updates the attributes of the one already there. Ref = URL; attrs Arn, QueueName, QueueUrl. */
export async function provisionQueue(sqs: SQSClient, input: ProvisionInput): Promise<ProvisionOutput> {
  const attributes = queueAttributes(input.props);
  if (input.props.KmsMasterKeyId !== undefined)
    input.warn(`${input.logicalId}: KMS encryption not applied locally`);
  let url = await existingQueueUrl(sqs, input.name);
  const status = url === undefined ? 'created' : 'updated';
  if (url === undefined) {
    url = (
      await withoutRejected(attributes, input.warn, (Attributes) =>
        sqs.send(new CreateQueueCommand({ QueueName: input.name, Attributes })),
      )
    ).QueueUrl;
  } else {
    // Only what differs: FifoQueue cannot change, and some emulators refuse to "set" an unchanged attribute.
    const current =
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))
        .Attributes ?? {};
    const changed = Object.fromEntries(
      Object.entries(attributes).filter(
        ([name, value]) =>
          name !== 'FifoQueue' && !sameAttribute((current as Record<string, string>)[name], value),
      ),
    );
    if (Object.keys(changed).length > 0) {
      const queueUrl = url;
      await withoutRejected(changed, input.warn, (Attributes) =>
        sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes })),
      );
    }
  }
  if (url === undefined) throw new Error(`CreateQueue returned no URL for ${input.name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  // Some emulators accept an attribute and drop it silently: say which, instead of trusting the request.
  const actual = (Attributes ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(attributes))
    if (!sameAttribute(actual[name], value))
      input.warn(
        `${input.logicalId}: asked for ${name}=${value}, the SQS emulator reports ${actual[name] ?? 'nothing'}`,
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

/** Policies come back as JSON with their own formatting and number types; compare them parsed. */
function sameAttribute(current: string | undefined, wanted: string): boolean {
  if (current === wanted) return true;
  if (current === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(current)) === JSON.stringify(JSON.parse(wanted));
  } catch {
    return false;
  }
}
