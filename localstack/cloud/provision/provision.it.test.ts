import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../cdk/lib/template.ts';
import { testAws, testClientConfig } from '../../test/fixtures/aws.ts';
import { provisionFixture } from '../../test/fixtures/provision-stack.ts';
import { kinesisClient } from './clients.ts';
import { type Provisioned, provisionFromTemplate } from './index.ts';

const sqs = new SQSClient(testClientConfig());
const sns = new SNSClient(testClientConfig());
const kinesis = kinesisClient(testAws());
const dynamodb = new DynamoDBClient(testClientConfig());

function idOf(template: CfnTemplate, type: string, prefix: string): string {
  const id = Object.keys(template.Resources ?? {}).find(
    (key) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(key) && template.Resources?.[key]?.Type === type,
  );
  if (id === undefined) throw new Error(`fixture has no ${type} ${prefix}*`);
  return id;
}

describe('provisionFromTemplate against the emulator', () => {
  const template = provisionFixture();
  const ids = {
    queue: idOf(template, 'AWS::SQS::Queue', 'Orders'),
    dlq: idOf(template, 'AWS::SQS::Queue', 'OrdersDlq'),
    stream: idOf(template, 'AWS::Kinesis::Stream', 'Changes'),
    table: idOf(template, 'AWS::DynamoDB::Table', 'Dedupe'),
    topic: idOf(template, 'AWS::SNS::Topic', 'OrderEvents'),
    fn: idOf(template, 'AWS::Lambda::Function', 'Router'),
    role: idOf(template, 'AWS::IAM::Role', 'ReportingRole'),
  };
  let first: Provisioned;
  let second: Provisioned;

  beforeAll(async () => {
    first = await provisionFromTemplate(template, testAws(), { stackName: 'ProvIt' });
    second = await provisionFromTemplate(template, testAws(), { stackName: 'ProvIt' });
  });

  afterAll(() => {
    for (const client of [sqs, sns, kinesis, dynamodb]) client.destroy();
  });

  it('creates a FIFO queue whose redrive policy points at the FIFO DLQ', async () => {
    const queue = first.resources[ids.queue];
    const dlq = first.resources[ids.dlq];
    expect(queue?.ref).toMatch(/ProvIt-Orders.*\.fifo$/);
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue?.ref, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
      VisibilityTimeout: '7',
    });
    // ElasticMQ accepts MessageRetentionPeriod but never reports it back, so it is not asserted here.
    // High-throughput FIFO attributes: applied where the emulator has them, otherwise named in the warnings
    // (ElasticMQ refuses both) — never silently lost.
    for (const [name, value] of [
      ['DeduplicationScope', 'messageGroup'],
      ['FifoThroughputLimit', 'perMessageGroupId'],
    ]) {
      const warned = first.warnings.some((w) => w.includes(`${name}=${value}`));
      expect(Attributes[name as 'DeduplicationScope'] === value || warned).toBe(true);
    }
    const redrive = JSON.parse(Attributes.RedrivePolicy ?? '{}');
    expect(redrive).toEqual({ deadLetterTargetArn: dlq?.attrs.Arn, maxReceiveCount: 3 });
    expect(dlq?.attrs.QueueName).toMatch(/\.fifo$/);
  });

  it('creates an ACTIVE stream with the template shard count', async () => {
    const stream = first.resources[ids.stream];
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: stream?.ref }),
    );
    expect(StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 2 });
    expect(stream?.attrs.Arn).toBe(StreamDescriptionSummary?.StreamARN);
  });

  it('creates the table with its key, index and TTL', async () => {
    const name = first.resources[ids.table]?.ref;
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byStatus']);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const { TimeToLiveDescription } = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name }));
    expect(TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
  });

  it('subscribes the queue to the FIFO topic once, however often it runs', async () => {
    const topicArn = second.resources[ids.topic]?.ref;
    expect(topicArn).toMatch(/^arn:aws:sns:.*\.fifo$/);
    const { Subscriptions = [] } = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }),
    );
    expect(Subscriptions.map((s) => s.Endpoint)).toEqual([first.resources[ids.queue]?.attrs.Arn]);
  });

  it('reuses every resource on a second run and resolves to the same refs', () => {
    for (const id of [ids.queue, ids.dlq, ids.stream, ids.table, ids.topic]) {
      expect(first.resources[id]?.status).toBe('created');
      expect(second.resources[id]?.status).toBe('updated');
      expect(second.resources[id]?.ref).toBe(first.resources[id]?.ref);
    }
    expect(second.outputs).toEqual(first.outputs);
  });

  it('gives functions local names and unprovisioned types synthetic ARNs, and lists what it skipped', () => {
    const fn = first.resources[ids.fn];
    expect(fn).toMatchObject({ status: 'local', type: 'AWS::Lambda::Function' });
    expect(fn?.attrs.Arn).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${fn?.ref}`);
    const env = first.resolve(template.Resources?.[ids.fn]?.Properties?.Environment) as {
      Variables: Record<string, string>;
    };
    expect(env.Variables).toEqual({
      QUEUE_URL: first.resources[ids.queue]?.ref,
      STREAM_NAME: first.resources[ids.stream]?.ref,
      TABLE_NAME: first.resources[ids.table]?.ref,
      TOPIC_ARN: first.resources[ids.topic]?.ref,
      REPORTING_ROLE_ARN: `arn:aws:iam::000000000000:role/ProvIt-${ids.role}`,
    });
    expect(first.skipped.map((s) => s.type)).toEqual(
      expect.arrayContaining(['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::SQS::QueuePolicy']),
    );
    expect(first.outputs).toEqual({
      QueueUrl: first.resources[ids.queue]?.ref,
      DlqArn: first.resources[ids.dlq]?.attrs.Arn,
      RouterName: fn?.ref,
    });
  });
});
