import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { asRecord } from '../../../cdk/lib/template.ts';
import type { ProvisionInput, ProvisionOutput } from './types.ts';

/** True when the topic properties ask for a FIFO topic. */
export function isFifoTopic(props: Record<string, unknown>): boolean {
  return props.FifoTopic === true || props.FifoTopic === 'true';
}

/** Topic attributes settable after creation, from resolved AWS::SNS::Topic properties. */
function mutableTopicAttributes(props: Record<string, unknown>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of ['ContentBasedDeduplication', 'DisplayName', 'FifoThroughputScope'] as const) {
    if (props[name] !== undefined) attributes[name] = String(props[name]);
  }
  return attributes;
}

/**
 * Creates the topic or updates the existing one, then its inline `Subscription` list. Ref = ARN; attrs TopicArn,
 * TopicName.
 */
export async function provisionTopic(sns: SNSClient, input: ProvisionInput): Promise<ProvisionOutput> {
  const { name, props } = input;
  const mutable = mutableTopicAttributes(props);
  let arn = await existingTopicArn(sns, name);
  const status = arn === undefined ? 'created' : 'updated';
  if (arn === undefined) {
    const Attributes = { ...mutable, ...(isFifoTopic(props) ? { FifoTopic: 'true' } : {}) };
    arn = (await sns.send(new CreateTopicCommand({ Name: name, Attributes }))).TopicArn;
  } else {
    for (const [AttributeName, AttributeValue] of Object.entries(mutable)) {
      await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName, AttributeValue }));
    }
  }
  if (arn === undefined) throw new Error(`CreateTopic returned no ARN for ${name}`);
  for (const inline of (props.Subscription as Record<string, unknown>[] | undefined) ?? []) {
    await subscribe(sns, { ...input, props: { ...inline, TopicArn: arn } });
  }
  return { status, ref: arn, attrs: { TopicArn: arn, TopicName: name } };
}

/**
 * Subscribes (or updates the existing subscription of the same protocol and endpoint). Ref = subscription ARN.
 * Lambda-protocol subscriptions are reported, not created: the local runtime does not receive SNS deliveries.
 */
export async function provisionSubscription(sns: SNSClient, input: ProvisionInput): Promise<ProvisionOutput> {
  return subscribe(sns, input);
}

async function subscribe(sns: SNSClient, input: ProvisionInput): Promise<ProvisionOutput> {
  const { props } = input;
  const topicArn = String(props.TopicArn);
  const protocol = String(props.Protocol);
  const endpoint = String(props.Endpoint);
  if (protocol === 'lambda') {
    input.warn(`${input.logicalId}: SNS → Lambda subscriptions are not delivered locally (${endpoint})`);
    return { status: 'created', ref: `${topicArn}:local-${input.logicalId}`, attrs: {} };
  }
  const attributes = subscriptionAttributes(props);
  const existing = await existingSubscriptionArn(sns, topicArn, protocol, endpoint);
  if (existing !== undefined) {
    for (const [AttributeName, AttributeValue] of Object.entries(attributes)) {
      await sns.send(
        new SetSubscriptionAttributesCommand({ SubscriptionArn: existing, AttributeName, AttributeValue }),
      );
    }
    return { status: 'updated', ref: existing, attrs: { Arn: existing } };
  }
  const out = await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: protocol,
      Endpoint: endpoint,
      Attributes: attributes,
      ReturnSubscriptionArn: true,
    }),
  );
  if (out.SubscriptionArn === undefined) throw new Error(`Subscribe returned no ARN for ${input.logicalId}`);
  return { status: 'created', ref: out.SubscriptionArn, attrs: { Arn: out.SubscriptionArn } };
}

function subscriptionAttributes(props: Record<string, unknown>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of ['RawMessageDelivery', 'FilterPolicyScope'] as const) {
    if (props[name] !== undefined) attributes[name] = String(props[name]);
  }
  for (const name of ['FilterPolicy', 'RedrivePolicy'] as const) {
    const value = props[name];
    if (value !== undefined) attributes[name] = asRecord(value) ? JSON.stringify(value) : String(value);
  }
  return attributes;
}

async function existingTopicArn(sns: SNSClient, name: string): Promise<string | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken }));
    const match = page.Topics?.find((topic) => topic.TopicArn?.endsWith(`:${name}`));
    if (match?.TopicArn) return match.TopicArn;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

async function existingSubscriptionArn(sns: SNSClient, topicArn: string, protocol: string, endpoint: string) {
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    const match = page.Subscriptions?.find((s) => s.Protocol === protocol && s.Endpoint === endpoint);
    if (match?.SubscriptionArn) return match.SubscriptionArn;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}
