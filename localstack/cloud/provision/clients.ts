import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AwsAccess, awsClientConfig } from '../../../lambdas/shared/aws-access.ts';

/** The SDK clients provisioning, the runtime, drills and tests use, all pointed at one cloud (an emulator, LocalStack or AWS). */
export interface AwsClients {
  sqs: SQSClient;
  sns: SNSClient;
  kinesis: KinesisClient;
  dynamodb: DynamoDBClient;
  cloudwatch: CloudWatchClient;
  s3: S3Client;
  destroy(): void;
}

export function createClients(access: AwsAccess): AwsClients {
  const config = awsClientConfig(access);
  const clients = {
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    kinesis: kinesisClient(access),
    dynamodb: new DynamoDBClient(config),
    cloudwatch: new CloudWatchClient(config),
    s3: new S3Client(config),
  };
  return {
    ...clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/**
 * A Kinesis client over HTTP/1.1. The SDK's Kinesis client defaults to an HTTP/2 handler (for SubscribeToShard);
 * against a plain-HTTP emulator endpoint that fails with ERR_HTTP2_ERROR "Protocol error". Everything else in the
 * Kinesis API works over HTTP/1.1, in AWS too.
 */
export function kinesisClient(access: AwsAccess): KinesisClient {
  return new KinesisClient({ ...awsClientConfig(access), requestHandler: new NodeHttpHandler() });
}
