import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The SDK clients provisioning and the runtime use. Endpoint, region and credentials come from the environment
 * (`AWS_ENDPOINT_URL`, `AWS_REGION`, ...), as SDK v3 does by default — nothing here points at an emulator.
 */
export interface AwsClients {
  sqs: SQSClient;
  sns: SNSClient;
  kinesis: KinesisClient;
  dynamodb: DynamoDBClient;
  destroy(): void;
}

export function createClients(): AwsClients {
  const clients = {
    sqs: new SQSClient({}),
    sns: new SNSClient({}),
    kinesis: kinesisClient(),
    dynamodb: new DynamoDBClient({}),
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
export function kinesisClient(): KinesisClient {
  return new KinesisClient({ requestHandler: new NodeHttpHandler() });
}
